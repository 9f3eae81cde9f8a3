package dev.jgrad.engine.backend;

import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.cpu.ScalarBackend;

/**
 * Chooses the backend for each device, explicitly and once.
 *
 * <p>CPU: the Vector API backend unless {@code -Djgrad.vector=false} (or {@code JGRAD_VECTOR=false}) asks for
 * the scalar reference. If the Vector API module is missing, creating the CPU backend fails with a message
 * that says how to fix it: jgrad never falls back silently, so a benchmark always measures what it claims.
 */
public final class Backends {
    private static volatile Backend cpu;
    private static final java.util.Map<Integer, Backend> CUDA = new java.util.concurrent.ConcurrentHashMap<>();

    private Backends() {}

    /** The backend that runs ops on {@code device}. */
    public static Backend forDevice(Device device) {
        if (device.kind() == Device.Kind.CPU) return cpu();
        if (!Device.cudaAvailable()) {
            throw new IllegalArgumentException("device " + device + " is not available: " + Device.cudaUnavailableReason());
        }
        return CUDA.computeIfAbsent(device.index(), i -> dev.jgrad.engine.backend.cuda.CudaBackend.create(device));
    }

    /**
     * Copies a whole storage to another device (host↔device, or between devices through the host). The only
     * place where data crosses devices; {@code Tensor.to(Device)} calls it.
     */
    public static Storage transfer(Storage src, Device to) {
        if (src.device().equals(to)) return src;
        if (src.device().kind() == Device.Kind.CUDA && to.kind() == Device.Kind.CUDA) return transfer(transfer(src, Device.CPU), to);
        if (to.kind() == Device.Kind.CUDA) return ((dev.jgrad.engine.backend.cuda.CudaBackend) forDevice(to)).upload(src);
        return ((dev.jgrad.engine.backend.cuda.CudaBackend) forDevice(src.device())).download(src);
    }

    /** The CPU backend chosen for this process. */
    public static Backend cpu() {
        Backend b = cpu;
        if (b == null) {
            synchronized (Backends.class) {
                if (cpu == null) cpu = createCpu(vectorRequested());
                b = cpu;
            }
        }
        return b;
    }

    /** Replaces the CPU backend for the rest of the process (benchmarks and tests compare backends with this). */
    public static synchronized void setCpu(Backend backend) {
        cpu = backend;
    }

    /** Whether {@code jgrad.vector} / {@code JGRAD_VECTOR} leave the Vector API on (the default). */
    public static boolean vectorRequested() {
        String v = System.getProperty("jgrad.vector");
        if (v == null) v = System.getenv("JGRAD_VECTOR");
        return v == null || !v.trim().equalsIgnoreCase("false");
    }

    /** A fresh CPU backend: the Vector API one, or the scalar reference. */
    public static Backend createCpu(boolean vector) {
        if (!vector) return new ScalarBackend();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("the Vector API module is not loaded: run java with "
                    + "--add-modules jdk.incubator.vector, or pass -Djgrad.vector=false for the scalar backend");
        }
        try {
            return (Backend) Class.forName("dev.jgrad.engine.backend.cpu.VectorBackend").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the Vector API backend: " + e, e);
        }
    }
}
