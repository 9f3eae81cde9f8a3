package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.Gemm;

import java.util.Locale;

/**
 * Times jgrad's CUDA GEMM, C = A·B with square row-major n×n operands, in every {@link MatmulPrecision}.
 * Prints one JSON line per (n, precision): {@code {"n":4096,"precision":"FP32","ms":..,"tflops":..}}.
 * benchmarks/gpu-check.sh sets these next to torch.matmul (cuBLAS) on the same GPU.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... dev.jgrad.engine.backend.cuda.CudaGemmBench [n ...]</pre>
 */
public final class CudaGemmBench {
    private CudaGemmBench() {}

    public static void main(String[] args) {
        if (!Device.cudaAvailable()) {
            System.out.println("{\"skipped\":\"" + Device.cudaUnavailableReason().replace("\"", "'") + "\"}");
            return;
        }
        int[] sizes = args.length == 0 ? new int[] {1024, 4096, 8192} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        CudaBackend be = (CudaBackend) Backends.forDevice(Device.cuda(0));
        for (int n : sizes) {
            Storage a = be.allocate(DType.FLOAT32, n * n), b = be.allocate(DType.FLOAT32, n * n), c = be.allocate(DType.FLOAT32, n * n);
            be.fill(a, dev.jgrad.engine.backend.Layout.contiguous(new int[] {n * n}), 0.5);
            be.fill(b, dev.jgrad.engine.backend.Layout.contiguous(new int[] {n * n}), 0.25);
            Gemm g = new Gemm(1, n, n, n, a, 0, 0, n, 1, b, 0, 0, n, 1, c, 0, 0, n, false);
            for (MatmulPrecision p : MatmulPrecision.values()) {
                be.gemm(g, p); // JIT-compiles the module on first use
                be.synchronize();
                // Enough repetitions for ~0.5 s of work, at least 3.
                long t0 = System.nanoTime();
                be.gemm(g, p);
                be.synchronize();
                double once = (System.nanoTime() - t0) / 1e9;
                int reps = (int) Math.max(3, Math.min(200, 0.5 / Math.max(once, 1e-6)));
                t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) be.gemm(g, p);
                be.synchronize();
                double ms = (System.nanoTime() - t0) / 1e6 / reps;
                System.out.println(String.format(Locale.ROOT, "{\"n\":%d,\"precision\":\"%s\",\"ms\":%.4f,\"tflops\":%.2f,\"gpu\":\"%s\"}",
                        n, p, ms, g.flops() / (ms * 1e-3) / 1e12, be.describe()));
            }
        }
    }
}
