package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * One GPU as jgrad uses it: its primary context (cuDevicePrimaryCtxRetain, the context the runtime API would
 * share, and the one call that is the same on CUDA 12 and 13 drivers), one stream on which every kernel and
 * copy runs in order, the caching allocator, and the kernels loaded from the PTX resources on first use.
 *
 * <p>A CUDA context is current per thread, so every entry point calls {@link #makeCurrent} first.
 */
final class CudaDevice {
    private static final int SHARED_DEFAULT = 48 * 1024;

    final Device device;
    final String name;
    final int smCount, major, minor, maxSharedOptIn;
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CudaAllocator allocator;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<CUfunction, Integer> sharedLimit = new HashMap<>();
    private final CUdeviceptr errorWord;

    CudaDevice(Device device) {
        if (device.index() >= CudaRuntime.deviceCount()) {
            throw new IllegalArgumentException("device " + device + " does not exist: the driver reports "
                    + CudaRuntime.deviceCount() + " CUDA device(s)");
        }
        this.device = device;
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, device.index());
        cuDevicePrimaryCtxRetain(context, dev);
        cuCtxSetCurrent(context);
        // Flags 0: a blocking stream, ordered with the legacy default stream that cuMemcpyHtoD/DtoH use.
        cuStreamCreate(stream, 0);
        byte[] n = new byte[256];
        cuDeviceGetName(n, n.length, dev);
        int len = 0;
        while (len < n.length && n[len] != 0) len++;
        name = new String(n, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
        smCount = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        maxSharedOptIn = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
        if (major < 8) {
            throw new IllegalStateException("jgrad's CUDA kernels need compute capability 8.0 or newer (mma.sync TF32/BF16); "
                    + name + " is " + major + "." + minor);
        }
        allocator = new CudaAllocator(device, this);
        errorWord = allocator.scratch(16);
    }

    private static int attribute(CUdevice dev, int attr) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attr, dev);
        return v[0];
    }

    void makeCurrent() {
        cuCtxSetCurrent(context);
    }

    CUstream stream() {
        return stream;
    }

    CudaAllocator allocator() {
        return allocator;
    }

    void synchronize() {
        makeCurrent();
        cuStreamSynchronize(stream);
    }

    /** The kernel {@code name} from {@code <module>.ptx}, loading (and JIT-compiling) the module on first use. */
    synchronized CUfunction function(String module, String name) {
        String key = module + "/" + name;
        CUfunction f = functions.get(key);
        if (f != null) return f;
        CUmodule m = modules.get(module);
        if (m == null) {
            m = new CUmodule();
            byte[] ptx = readPtx(module);
            try {
                cuModuleLoadData(m, ptx);
            } catch (CudaException e) {
                throw new IllegalStateException("cannot load " + module + ".ptx on " + name + " (" + e.getMessage()
                        + "); the PTX is built by CUDA 13's nvcc and needs a driver that supports CUDA 13", e);
            }
            modules.put(module, m);
        }
        f = new CUfunction();
        cuModuleGetFunction(f, m, name);
        functions.put(key, f);
        return f;
    }

    /** The PTX text, NUL-terminated as cuModuleLoadData requires. */
    private static byte[] readPtx(String module) {
        try (InputStream in = CudaDevice.class.getResourceAsStream(module + ".ptx")) {
            if (in == null) throw new IllegalStateException(module + ".ptx is missing from the jar; run tools/cuda/build-ptx.sh");
            byte[] b = in.readAllBytes();
            return Arrays.copyOf(b, b.length + 1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + module + ".ptx: " + e, e);
        }
    }

    /** Whether {@code bytes} of dynamic shared memory fit one block on this device (with the opt-in). */
    boolean sharedFits(int bytes) {
        return bytes <= Math.max(SHARED_DEFAULT, maxSharedOptIn);
    }

    /**
     * Launches {@code f} on the stream. Arguments: a {@link CUdeviceptr} (or null for a null pointer), Integer,
     * Float, Double, or int[] for a struct passed by value (packed field by field, 4 bytes each).
     */
    void launch(CUfunction f, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, Object... args) {
        if (sharedBytes > SHARED_DEFAULT) {
            synchronized (this) {
                Integer set = sharedLimit.get(f);
                if (set == null || set < sharedBytes) {
                    cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes);
                    sharedLimit.put(f, sharedBytes);
                }
            }
        }
        Pointer[] p = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) p[i] = Pointer.to(new long[] {0L});
            else if (a instanceof CUdeviceptr d) p[i] = Pointer.to(d);
            else if (a instanceof Integer v) p[i] = Pointer.to(new int[] {v});
            else if (a instanceof Float v) p[i] = Pointer.to(new float[] {v});
            else if (a instanceof Double v) p[i] = Pointer.to(new double[] {v});
            else if (a instanceof int[] v) p[i] = Pointer.to(v);
            else throw new IllegalArgumentException("unsupported kernel argument " + a.getClass());
        }
        cuLaunchKernel(f, gx, gy, gz, bx, by, bz, sharedBytes, stream, Pointer.to(p), null);
    }

    /** Blocks for a grid-stride kernel over n items: enough to fill the GPU, never more than needed. */
    int blocksFor(long n, int threads) {
        long need = (n + threads - 1) / threads;
        return (int) Math.max(1, Math.min(need, (long) smCount * 32));
    }

    /** A device copy of a whole host storage. */
    Storage upload(Storage host) {
        makeCurrent();
        Storage d = allocator.allocate(host.dtype(), host.size());
        long bytes = (long) host.size() * host.dtype().bytes;
        if (bytes > 0) cuMemcpyHtoD(((CudaBuffer) d.data()).ptr(), hostPointer(host), bytes);
        return d;
    }

    /** A host copy of a whole device storage; waits for the kernels that write it. */
    Storage download(Storage dev) {
        makeCurrent();
        Storage h = Storage.allocate(dev.dtype(), dev.size());
        long bytes = (long) dev.size() * dev.dtype().bytes;
        if (bytes > 0) cuMemcpyDtoH(hostPointer(h), ((CudaBuffer) dev.data()).ptr(), bytes);
        return h;
    }

    private static Pointer hostPointer(Storage s) {
        return switch (s.dtype()) {
            case FLOAT32 -> Pointer.to(s.floats());
            case INT32 -> Pointer.to(s.ints());
            case INT64 -> Pointer.to(s.longs());
            case INT8, BOOL -> Pointer.to(s.bytes());
        };
    }

    /** Clears the bad-index word before a kernel that may report one (see jg_report in jgrad.cuh). */
    CUdeviceptr clearError() {
        cuMemsetD32Async(errorWord, 0, 4, stream);
        return errorWord;
    }

    /** After such a kernel: null if no index was bad, else {position, value}. Synchronizes. */
    long[] readError() {
        int[] e = new int[4];
        cuMemcpyDtoH(Pointer.to(e), errorWord, 16);
        if (e[0] == 0) return null;
        return new long[] {e[1], (e[2] & 0xffffffffL) | ((long) e[3] << 32)};
    }

    @Override
    public String toString() {
        return device + " (" + name + ", sm_" + major + minor + ", " + smCount + " SMs)";
    }

    static boolean isFloat(Storage s) {
        return s.dtype() == DType.FLOAT32;
    }
}
