package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.backend.Gemm;
import jcuda.driver.CUdeviceptr;

/** Launches gemm.cu's kernels for a {@link Gemm}, and int8.cu's dp4a GEMM. */
final class CudaGemm {
    private CudaGemm() {}

    /** The GemmArgs struct of gemm.cu, field by field. */
    static int[] args(Gemm g) {
        return new int[] {g.batch(), g.m(), g.n(), g.k(),
                g.aOffset(), g.aBatchStride(), g.aRowStride(), g.aColStride(),
                g.bOffset(), g.bBatchStride(), g.bRowStride(), g.bColStride(),
                g.cOffset(), g.cBatchStride(), g.cRowStride(), g.accumulate() ? 1 : 0};
    }

    static void run(CudaDevice dev, Gemm g, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c, MatmulPrecision p) {
        if (g.batch() == 0 || g.m() == 0 || g.n() == 0) return;
        String kernel = switch (p) {
            case FP32 -> "gemm_f32";
            case TF32 -> "gemm_tf32";
            case BF16 -> "gemm_bf16";
        };
        // All three kernels use 128x128 block tiles and 256 threads; the batch walks grid z.
        int gx = (g.n() + 127) / 128, gy = (g.m() + 127) / 128, gz = Math.min(g.batch(), 65535);
        dev.launch(dev.function("gemm", kernel), gx, gy, gz, 256, 1, 1, 0, args(g), a, b, c);
    }

    /** C[m, n] (int32) = A[m, k] · B[n, k]ᵀ, int8 operands with row strides lda, ldb (in elements). */
    static void int8(CudaDevice dev, int m, int n, int k, CUdeviceptr a, int lda, CUdeviceptr b, int ldb, CUdeviceptr c, int ldc) {
        if (m == 0 || n == 0) return;
        dev.launch(dev.function("int8", "gemm_s8_dp4a"), (n + 63) / 64, (m + 63) / 64, 1, 256, 1, 1, 0,
                m, n, k, a, lda, b, ldb, c, ldc);
    }
}
