package dev.jgrad.engine.backend;

import java.util.Arrays;

/**
 * How a tensor reads its storage: element {@code (i0, i1, ...)} lives at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...}. A stride of 0 repeats an element (broadcasting).
 */
public record Layout(int[] shape, int[] strides, int offset) {

    /** The row-major layout of a fresh tensor of this shape. */
    public static Layout contiguous(int[] shape) {
        return new Layout(shape, contiguousStrides(shape), 0);
    }

    /** Row-major strides: the last dim has stride 1. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

    /** Number of elements. */
    public int numel() {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** True when the elements are packed row-major with no gaps (the offset may be non-zero). */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** This layout with its dims reordered: dim i of the result is dim {@code order[i]} of this one. */
    public Layout permute(int[] order) {
        int[] sh = new int[order.length], st = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            sh[i] = shape[order[i]];
            st[i] = strides[order[i]];
        }
        return new Layout(sh, st, offset);
    }

    /**
     * The order of the dims in memory, outermost first, when the elements are packed without gaps in some
     * order of the dims (a contiguous tensor, or a permutation of one such as attention heads [B, H, T, D]
     * read from [B, T, H, D]): {@code permute(memoryOrder())} is then contiguous. Null when there is no such
     * order (gaps, overlaps, broadcast dims).
     */
    public int[] memoryOrder() {
        Integer[] dims = new Integer[shape.length];
        for (int d = 0; d < dims.length; d++) dims[d] = d;
        Arrays.sort(dims, (x, y) -> strides[x] != strides[y] ? Integer.compare(strides[y], strides[x]) : Integer.compare(x, y));
        int[] order = new int[dims.length];
        for (int d = 0; d < dims.length; d++) order[d] = dims[d];
        return permute(order).isContiguous() ? order : null;
    }

    /** The order that undoes {@code order}: {@code permute(order).permute(inverse(order))} is this layout. */
    public static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) inv[order[i]] = i;
        return inv;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && l.offset == offset && Arrays.equals(l.shape, shape) && Arrays.equals(l.strides, strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + offset;
    }

    @Override
    public String toString() {
        return "Layout" + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset " + offset;
    }
}
