package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.Layout;

/**
 * Walks several operands of one shape in row-major order, handing out runs along the innermost dim.
 *
 * <p>First adjacent dims are merged wherever every operand is contiguous across them, so a contiguous tensor
 * of any rank becomes one long run and a broadcast bias becomes runs of stride 0 or 1. The kernels then only
 * need a loop over one run with a fixed stride per operand, which is where SIMD happens.
 */
public final class StridedLoop {
    /** Receives one run: {@code n} elements, operand {@code k} starting at {@code offsets[k]}. */
    @FunctionalInterface
    public interface Run {
        void run(int[] offsets, int n);
    }

    private final int[] shape;
    private final int[][] strides;
    private final int[] base;

    /** Plans a walk over {@code layouts}, which must all have the same shape. */
    public StridedLoop(Layout... layouts) {
        int[] s0 = layouts[0].shape();
        int nd = s0.length;
        int k = layouts.length;
        // Merge dims d-1 and d when, for every operand, stride[d-1] == stride[d] * shape[d]; drop size-1 dims.
        int[] shape = new int[Math.max(nd, 1)];
        int[][] strides = new int[k][Math.max(nd, 1)];
        int m = 0;
        for (int d = 0; d < nd; d++) {
            if (s0[d] == 1) continue;
            boolean merge = m > 0;
            for (int o = 0; o < k && merge; o++) {
                merge = strides[o][m - 1] == layouts[o].strides()[d] * s0[d];
            }
            if (merge) {
                shape[m - 1] *= s0[d];
                for (int o = 0; o < k; o++) strides[o][m - 1] = layouts[o].strides()[d];
            } else {
                shape[m] = s0[d];
                for (int o = 0; o < k; o++) strides[o][m] = layouts[o].strides()[d];
                m++;
            }
        }
        if (m == 0) { // a scalar, or all dims of size 1
            shape[0] = 1;
            m = 1;
            for (int o = 0; o < k; o++) strides[o][0] = 1;
        }
        this.shape = java.util.Arrays.copyOf(shape, m);
        this.strides = new int[k][];
        for (int o = 0; o < k; o++) this.strides[o] = java.util.Arrays.copyOf(strides[o], m);
        this.base = new int[k];
        for (int o = 0; o < k; o++) base[o] = layouts[o].offset();
    }

    /** Total number of elements. */
    public long size() {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** The stride of operand {@code k} along the innermost (merged) dim. */
    public int innerStride(int k) {
        return strides[k][shape.length - 1];
    }

    /** Length of the innermost (merged) dim: the longest a run can be. */
    public int innerSize() {
        return shape[shape.length - 1];
    }

    /** Visits the elements with row-major linear index in [lo, hi) as runs along the innermost dim. */
    public void forEach(long lo, long hi, Run body) {
        if (lo >= hi) return; // nothing to visit; also keeps a zero-size dim out of the modulo below
        int nd = shape.length;
        int k = base.length;
        int[] idx = new int[nd];
        long rem = lo;
        for (int d = nd - 1; d >= 0; d--) {
            idx[d] = (int) (rem % shape[d]);
            rem /= shape[d];
        }
        int[] offsets = new int[k];
        long pos = lo;
        int last = nd - 1;
        while (pos < hi) {
            for (int o = 0; o < k; o++) {
                int off = base[o];
                for (int d = 0; d < nd; d++) off += idx[d] * strides[o][d];
                offsets[o] = off;
            }
            int n = (int) Math.min(shape[last] - idx[last], hi - pos);
            body.run(offsets, n);
            pos += n;
            idx[last] += n;
            for (int d = last; d > 0 && idx[d] == shape[d]; d--) {
                idx[d] = 0;
                idx[d - 1]++;
            }
        }
    }

    /** Visits every element. */
    public void forEach(Run body) {
        forEach(0, size(), body);
    }
}
