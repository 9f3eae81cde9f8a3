package dev.jgrad.engine.backend;

import dev.jgrad.engine.Storage;

/**
 * One batched matrix product {@code C[b] (+)= A[b] · B[b]} with A: [M, K], B: [K, N], C: [M, N].
 *
 * <p>A and B are read through arbitrary (row, col, batch) strides, so a transposed operand costs nothing:
 * Aᵀ is just A with its row and column strides swapped. A batch stride of 0 broadcasts one matrix over the
 * batch. C is written with unit column stride. With {@code accumulate} the product is added to C.
 */
public record Gemm(int batch, int m, int n, int k,
                   Storage a, int aOffset, int aBatchStride, int aRowStride, int aColStride,
                   Storage b, int bOffset, int bBatchStride, int bRowStride, int bColStride,
                   Storage c, int cOffset, int cBatchStride, int cRowStride,
                   boolean accumulate) {

    /** Floating-point operations of the product (2·M·N·K per batch). */
    public double flops() {
        return 2.0 * batch * m * n * k;
    }
}
