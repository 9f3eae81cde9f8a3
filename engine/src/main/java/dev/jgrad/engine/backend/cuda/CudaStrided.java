package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.backend.Layout;

import java.util.Arrays;

/**
 * Packs the {@code Strided} struct of jgrad.cuh: one shape and up to 4 operands' strides and offsets, after
 * dropping size-1 dims and merging dims that every operand walks contiguously (so a contiguous tensor of any
 * rank becomes 1-D, and the kernel's index arithmetic stays short).
 */
final class CudaStrided {
    static final int MAX_DIMS = 8, MAX_OPS = 4;
    /** ints in the struct: ndim, n, shape[8], stride[4][8], offset[4]. */
    static final int INTS = 2 + MAX_DIMS + MAX_OPS * MAX_DIMS + MAX_OPS;

    private CudaStrided() {}

    /** The struct for {@code ops} (all of one shape), or a 0-element struct to skip when the shape is empty. */
    static int[] pack(Layout... ops) {
        int[] shape = ops[0].shape();
        int nd = shape.length, n = 1;
        for (int s : shape) n *= s;
        int[] sh = new int[nd];
        int[][] st = new int[ops.length][nd];
        int k = 0;
        for (int d = 0; d < nd; d++) {
            if (shape[d] == 1) continue;
            boolean merge = k > 0;
            for (int o = 0; o < ops.length && merge; o++) merge = st[o][k - 1] == ops[o].strides()[d] * shape[d];
            if (merge) {
                sh[k - 1] *= shape[d];
                for (int o = 0; o < ops.length; o++) st[o][k - 1] = ops[o].strides()[d];
            } else {
                sh[k] = shape[d];
                for (int o = 0; o < ops.length; o++) st[o][k] = ops[o].strides()[d];
                k++;
            }
        }
        if (k > MAX_DIMS) {
            throw new UnsupportedOperationException("CUDA elementwise kernels read at most " + MAX_DIMS
                    + " non-mergeable dims; got shape " + Arrays.toString(shape));
        }
        int[] p = new int[INTS];
        p[0] = k;
        p[1] = n;
        for (int d = 0; d < k; d++) p[2 + d] = sh[d];
        for (int o = 0; o < ops.length; o++) {
            for (int d = 0; d < k; d++) p[2 + MAX_DIMS + o * MAX_DIMS + d] = st[o][d];
            p[2 + MAX_DIMS + MAX_OPS * MAX_DIMS + o] = ops[o].offset();
        }
        return p;
    }

    /** Element count in a packed struct. */
    static int count(int[] packed) {
        return packed[1];
    }
}
