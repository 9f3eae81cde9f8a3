package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reductions of a contiguous [outer, len, inner] block over its middle axis. With inner = 1 each output is a
 * row reduction (lanes accumulate, then one horizontal reduce); with inner > 1 the lanes run along inner and
 * accumulate whole rows (a column sum, e.g. a bias gradient), which needs no transpose.
 */
final class VecReduce {
    private VecReduce() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();

    static void reduce(ReduceOp op, float[] x, int outer, int len, int inner, float[] out) {
        long work = (long) outer * len * inner;
        if (inner == 1) {
            long grain = Math.max(1, VectorBackend.GRAIN / Math.max(1, len));
            Parallel.forRange(outer, grain, (lo, hi) -> {
                for (int p = (int) lo; p < hi; p++) out[p] = reduceRow(op, x, p * len, len);
            });
        } else {
            long grain = Math.max(1, VectorBackend.GRAIN / Math.max(1, (long) len * inner));
            if (outer == 1 && work > VectorBackend.GRAIN) {
                // one big column reduction: split the columns instead
                Parallel.forRange(inner, Math.max(L, VectorBackend.GRAIN / Math.max(1, len)),
                        (lo, hi) -> reduceColumns(op, x, 0, len, inner, (int) lo, (int) hi, out, 0));
            } else {
                Parallel.forRange(outer, grain, (lo, hi) -> {
                    for (int p = (int) lo; p < hi; p++) reduceColumns(op, x, p * len * inner, len, inner, 0, inner, out, p * inner);
                });
            }
        }
    }

    private static float identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }

    private static FloatVector combine(ReduceOp op, FloatVector acc, FloatVector v) {
        return switch (op) {
            case SUM -> acc.add(v);
            case MAX -> acc.max(v);
            case MIN -> acc.min(v);
        };
    }

    private static float combine(ReduceOp op, float acc, float v) {
        return switch (op) {
            case SUM -> acc + v;
            case MAX -> Float.isNaN(v) ? v : Math.max(acc, v);
            case MIN -> Float.isNaN(v) ? v : Math.min(acc, v);
        };
    }

    /** Reduces x[base .. base+len). Four accumulators hide the add latency. */
    static float reduceRow(ReduceOp op, float[] x, int base, int len) {
        float id = identity(op);
        FloatVector a0 = FloatVector.broadcast(S, id), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= len - 4 * L; i += 4 * L) {
            a0 = combine(op, a0, FloatVector.fromArray(S, x, base + i));
            a1 = combine(op, a1, FloatVector.fromArray(S, x, base + i + L));
            a2 = combine(op, a2, FloatVector.fromArray(S, x, base + i + 2 * L));
            a3 = combine(op, a3, FloatVector.fromArray(S, x, base + i + 3 * L));
        }
        for (; i <= len - L; i += L) a0 = combine(op, a0, FloatVector.fromArray(S, x, base + i));
        FloatVector acc = combine(op, combine(op, a0, a1), combine(op, a2, a3));
        float r = switch (op) {
            case SUM -> acc.reduceLanes(VectorOperators.ADD);
            case MAX -> acc.reduceLanes(VectorOperators.MAX);
            case MIN -> acc.reduceLanes(VectorOperators.MIN);
        };
        for (; i < len; i++) r = combine(op, r, x[base + i]);
        return r;
    }

    /** out[o + q] = reduce_r x[base + r*inner + q] for q in [q0, q1). */
    private static void reduceColumns(ReduceOp op, float[] x, int base, int len, int inner, int q0, int q1, float[] out, int o) {
        float id = identity(op);
        int q = q0;
        for (; q <= q1 - L; q += L) {
            FloatVector acc = FloatVector.broadcast(S, id);
            for (int r = 0; r < len; r++) acc = combine(op, acc, FloatVector.fromArray(S, x, base + r * inner + q));
            acc.intoArray(out, o + q);
        }
        for (; q < q1; q++) {
            float acc = id;
            for (int r = 0; r < len; r++) acc = combine(op, acc, x[base + r * inner + q]);
            out[o + q] = acc;
        }
    }
}
