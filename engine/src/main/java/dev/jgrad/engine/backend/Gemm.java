package dev.jgrad.engine.backend;

import dev.jgrad.engine.Storage;

/**
 * One batched matrix product {@code C[b] = act(C[b]? + A[b] · B[b] + bias)} with A: [M, K], B: [K, N], C: [M, N].
 *
 * <p>A and B are read through arbitrary (row, col, batch) strides, so a transposed operand costs nothing:
 * Aᵀ is just A with its row and column strides swapped. A batch stride of 0 broadcasts one matrix over the
 * batch. C is written with unit column stride. With {@code accumulate} the product is added to C.
 *
 * <p>The optional <em>epilogue</em> is applied once per element after the full K sum, while the tile is still
 * in cache: {@code bias} (a contiguous [N] vector added to every row, or null) and then {@code activation}
 * (an elementwise {@link UnaryOp} without parameters such as RELU or GELU_ERF, or null). It is what a fused
 * Linear layer uses: one pass over the output instead of three.
 */
public record Gemm(int batch, int m, int n, int k,
                   Storage a, int aOffset, int aBatchStride, int aRowStride, int aColStride,
                   Storage b, int bOffset, int bBatchStride, int bRowStride, int bColStride,
                   Storage c, int cOffset, int cBatchStride, int cRowStride,
                   boolean accumulate, Storage bias, UnaryOp activation) {

    /** A plain product without epilogue. */
    public Gemm(int batch, int m, int n, int k,
                Storage a, int aOffset, int aBatchStride, int aRowStride, int aColStride,
                Storage b, int bOffset, int bBatchStride, int bRowStride, int bColStride,
                Storage c, int cOffset, int cBatchStride, int cRowStride,
                boolean accumulate) {
        this(batch, m, n, k, a, aOffset, aBatchStride, aRowStride, aColStride, b, bOffset, bBatchStride, bRowStride,
                bColStride, c, cOffset, cBatchStride, cRowStride, accumulate, null, null);
    }

    /** This product with an epilogue: {@code bias} (contiguous [N] or null) then {@code activation} (or null). */
    public Gemm withEpilogue(Storage bias, UnaryOp activation) {
        return new Gemm(batch, m, n, k, a, aOffset, aBatchStride, aRowStride, aColStride, b, bOffset, bBatchStride,
                bRowStride, bColStride, c, cOffset, cBatchStride, cRowStride, accumulate, bias, activation);
    }

    /** Whether there is anything to do after the sum. */
    public boolean hasEpilogue() {
        return bias != null || activation != null;
    }

    /** Floating-point operations of the product (2·M·N·K per batch). */
    public double flops() {
        return 2.0 * batch * m * n * k;
    }
}
