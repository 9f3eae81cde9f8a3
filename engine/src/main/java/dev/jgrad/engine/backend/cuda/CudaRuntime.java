package dev.jgrad.engine.backend.cuda;

import jcuda.CudaException;
import jcuda.driver.JCudaDriver;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

/**
 * The one place that first touches the CUDA driver. {@code Device.cudaUnavailableReason()} calls {@link #probe}
 * (reflectively, and only after it has found libcuda.so.1), so a machine without a driver never loads JCuda's
 * native library.
 */
public final class CudaRuntime {
    private CudaRuntime() {}

    private static volatile int deviceCount = -1;
    private static volatile int driverVersion;

    /**
     * Initializes the driver: JCuda with exceptions enabled (every failed call throws, naming the error),
     * {@code cuInit}, {@code cuDeviceGetCount}. Returns null when at least one device is usable, otherwise why not.
     */
    public static synchronized String probe() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] v = new int[1];
            cuDriverGetVersion(v);
            driverVersion = v[0];
            int[] n = new int[1];
            cuDeviceGetCount(n);
            deviceCount = n[0];
            if (n[0] == 0) return "the NVIDIA driver reports no CUDA devices";
            return null;
        } catch (CudaException e) {
            return "CUDA driver initialization failed: " + e.getMessage();
        } catch (UnsatisfiedLinkError e) {
            return "JCuda's native library could not be loaded: " + e.getMessage();
        } catch (LinkageError e) {
            return "JCuda is missing or broken on the class path: " + e;
        }
    }

    /** Number of CUDA devices (after a successful probe). */
    public static int deviceCount() {
        return deviceCount;
    }

    /** The driver's CUDA version as 1000·major + 10·minor, e.g. 13000. */
    public static int driverVersion() {
        return driverVersion;
    }
}
