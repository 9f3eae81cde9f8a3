package dev.jgrad.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a tensor's storage lives: {@code cpu} or {@code cuda:N}.
 *
 * <p>Every op checks that its inputs share one device and fails with an {@link IllegalArgumentException}
 * otherwise; nothing is ever moved between devices implicitly.
 */
public record Device(Kind kind, int index) {

    /** The device families jgrad knows about. */
    public enum Kind { CPU, CUDA }

    /** The host. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    /** The CUDA device with the given ordinal. */
    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("cuda device index must be >= 0, got " + index);
        return new Device(Kind.CUDA, index);
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String s) {
        if (s.equals("cpu")) return CPU;
        if (s.equals("cuda")) return cuda(0);
        if (s.startsWith("cuda:")) return cuda(Integer.parseInt(s.substring(5)));
        throw new IllegalArgumentException("unknown device '" + s + "' (expected cpu, cuda or cuda:N)");
    }

    /** Whether a CUDA backend can run in this process. */
    public static boolean cudaAvailable() {
        return cudaUnavailableReason() == null;
    }

    /**
     * Why CUDA cannot be used here, or {@code null} when it can. The reason is meant for people: it names the
     * missing piece (driver library, backend) rather than a stack trace.
     */
    public static String cudaUnavailableReason() {
        return CudaProbe.REASON;
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }

    /**
     * Looks for the driver once per process. Without libcuda.so.1 it loads no native code, so it is safe on
     * any machine; with it, {@code CudaRuntime.probe} initializes the driver and reports what fails.
     */
    private static final class CudaProbe {
        static final String REASON = probe();

        private static String probe() {
            List<String> dirs = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib");
            boolean driver = false;
            for (String d : dirs) driver |= Files.exists(Path.of(d, "libcuda.so.1"));
            String ld = System.getenv("LD_LIBRARY_PATH");
            if (ld != null) for (String d : ld.split(":")) driver |= !d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1"));
            if (!driver) return "no NVIDIA driver found (libcuda.so.1 is not installed on this machine)";
            String opt = System.getProperty("jgrad.cuda");
            if (opt != null && opt.trim().equalsIgnoreCase("false")) return "CUDA is disabled by -Djgrad.cuda=false";
            // Only now, with a driver present, may JCuda load its native library (cuInit, cuDeviceGetCount).
            try {
                Class<?> c = Class.forName("dev.jgrad.engine.backend.cuda.CudaRuntime");
                return (String) c.getMethod("probe").invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
                return "the CUDA backend failed to initialize: " + cause;
            }
        }
    }
}
