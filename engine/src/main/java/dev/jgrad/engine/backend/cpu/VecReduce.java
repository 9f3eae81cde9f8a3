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
        if (len == 0) { // an empty sum is 0 (empty max/min are refused by the op)
            java.util.Arrays.fill(out, 0, outer * inner, 0f);
            return;
        }
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

    /**
     * Reduces x[base .. base+len). One loop per op, with the op fixed inside it: a loop that asked "which op?"
     * per vector kept C2 from keeping the accumulators in registers (every vector was boxed).
     */
    static float reduceRow(ReduceOp op, float[] x, int base, int len) {
        return switch (op) {
            case SUM -> sumRow(x, base, len);
            case MAX -> maxRow(x, base, len);
            case MIN -> -maxRowOfNegated(x, base, len);
        };
    }

    /** Four accumulators hide the latency of the adds. */
    static float sumRow(float[] x, int base, int len) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= len - 4 * L; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, base + i));
            a1 = a1.add(FloatVector.fromArray(S, x, base + i + L));
            a2 = a2.add(FloatVector.fromArray(S, x, base + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, x, base + i + 3 * L));
        }
        for (; i <= len - L; i += L) a0 = a0.add(FloatVector.fromArray(S, x, base + i));
        float[] lanes = new float[L];
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        float r = VecMath.sumLanes(lanes);
        for (; i < len; i++) r += x[base + i];
        return r;
    }

    static float maxRow(float[] x, int base, int len) {
        // four independent chains: Java's max (NaN-propagating) is several dependent instructions in C2's x86
        // code, so one chain ran at its latency (8 cycles per vector here)
        FloatVector a = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a, a2 = a, a3 = a;
        int i = 0;
        for (; i <= len - 4 * L; i += 4 * L) {
            a = a.max(FloatVector.fromArray(S, x, base + i));
            a1 = a1.max(FloatVector.fromArray(S, x, base + i + L));
            a2 = a2.max(FloatVector.fromArray(S, x, base + i + 2 * L));
            a3 = a3.max(FloatVector.fromArray(S, x, base + i + 3 * L));
        }
        for (; i <= len - L; i += L) a = a.max(FloatVector.fromArray(S, x, base + i));
        a = a.max(a1).max(a2.max(a3));
        float r = a.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) r = Float.isNaN(x[base + i]) ? x[base + i] : Math.max(r, x[base + i]);
        return r;
    }

    private static float maxRowOfNegated(float[] x, int base, int len) {
        FloatVector a = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= len - L; i += L) a = a.max(FloatVector.fromArray(S, x, base + i).neg());
        float r = a.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) r = Float.isNaN(x[base + i]) ? x[base + i] : Math.max(r, -x[base + i]);
        return r;
    }

    /** out[o + q] = reduce_r x[base + r·inner + q] for q in [q0, q1): lanes along q, rows accumulated. */
    private static void reduceColumns(ReduceOp op, float[] x, int base, int len, int inner, int q0, int q1, float[] out, int o) {
        int q = q0;
        for (; q <= q1 - L; q += L) {
            FloatVector acc = FloatVector.fromArray(S, x, base + q);
            switch (op) { // one loop per op, for the reason given on reduceRow
                case SUM -> { for (int r = 1; r < len; r++) acc = acc.add(FloatVector.fromArray(S, x, base + r * inner + q)); }
                case MAX -> { for (int r = 1; r < len; r++) acc = acc.max(FloatVector.fromArray(S, x, base + r * inner + q)); }
                case MIN -> { for (int r = 1; r < len; r++) acc = acc.min(FloatVector.fromArray(S, x, base + r * inner + q)); }
            }
            acc.intoArray(out, o + q);
        }
        for (; q < q1; q++) {
            float acc = x[base + q];
            for (int r = 1; r < len; r++) {
                float v = x[base + r * inner + q];
                acc = switch (op) {
                    case SUM -> acc + v;
                    case MAX -> Float.isNaN(v) ? v : Math.max(acc, v);
                    case MIN -> Float.isNaN(v) ? v : Math.min(acc, v);
                };
            }
            out[o + q] = acc;
        }
    }
}
