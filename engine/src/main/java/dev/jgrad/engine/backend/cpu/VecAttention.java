package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.AttentionShape;
import dev.jgrad.engine.backend.Layout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Memory-efficient attention (FlashAttention's algorithm on the CPU). Forward walks the keys in blocks of BC
 * and keeps, per query row, the running max m, the running sum l of exp(s − m) and the unnormalized output;
 * when a block raises the max, what was accumulated is rescaled by exp(m_old − m_new). Only O(BR·Dv) floats of
 * state per task, never the [Tq, Tk] matrix. Backward recomputes the weights from the saved log-sum-exp in
 * two passes, one owning dq rows and one owning dk/dv rows, so no two threads ever write the same float.
 */
final class VecAttention {
    private VecAttention() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();
    /** Query rows per task and keys per block: a key block of 64 × 64 floats (16 KB) stays in L1. */
    static final int BR = 16, BC = 64;

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (; c <= n - L; c += L) acc = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, bo + c), acc);
        float[] lanes = new float[L];
        acc.intoArray(lanes, 0);
        float r = VecMath.sumLanes(lanes);
        for (; c < n; c++) r += a[ao + c] * b[bo + c];
        return r;
    }

    /**
     * acc[ao + r·n ..][0..n) += Σ_t w[wo + r·rs + t·ts]·src[so + t·n ..][0..n) for rows r in [0, rows) and terms
     * t in [0, count): a small product (weights times rows of src) added into rows of acc, with the weights read
     * through strides so that either side of the weight block can be the rows. Four rows at a time share each
     * load of a src row, and each acc row is loaded and stored once per L columns: an axpy per row and term
     * loaded and stored the acc row every time (B=4, H=4, T=512, D=64 on one thread: forward 58.8 → 37–39 ms,
     * backward 213 → 95). Terms are added in order of t.
     */
    static void addWeightedRows(float[] w, int wo, int rs, int ts, int rows, int count, float[] src, int so, int n,
                                float[] acc, int ao) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int w0 = wo + r * rs, w1 = w0 + rs, w2 = w1 + rs, w3 = w2 + rs;
            int o0 = ao + r * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
            int c = 0;
            for (; c <= n - L; c += L) {
                FloatVector a0 = FloatVector.fromArray(S, acc, o0 + c), a1 = FloatVector.fromArray(S, acc, o1 + c);
                FloatVector a2 = FloatVector.fromArray(S, acc, o2 + c), a3 = FloatVector.fromArray(S, acc, o3 + c);
                for (int t = 0; t < count; t++) {
                    FloatVector x = FloatVector.fromArray(S, src, so + t * n + c);
                    int wt = t * ts;
                    a0 = x.fma(FloatVector.broadcast(S, w[w0 + wt]), a0);
                    a1 = x.fma(FloatVector.broadcast(S, w[w1 + wt]), a1);
                    a2 = x.fma(FloatVector.broadcast(S, w[w2 + wt]), a2);
                    a3 = x.fma(FloatVector.broadcast(S, w[w3 + wt]), a3);
                }
                a0.intoArray(acc, o0 + c);
                a1.intoArray(acc, o1 + c);
                a2.intoArray(acc, o2 + c);
                a3.intoArray(acc, o3 + c);
            }
            for (int k = 0; k < 4; k++) addWeightedColumns(w, w0 + k * rs, ts, count, src, so, n, acc, o0 + k * n, c);
        }
        for (; r < rows; r++) {
            int wr = wo + r * rs, o = ao + r * n, c = 0;
            for (; c <= n - L; c += L) {
                FloatVector a = FloatVector.fromArray(S, acc, o + c);
                for (int t = 0; t < count; t++) {
                    a = FloatVector.fromArray(S, src, so + t * n + c).fma(FloatVector.broadcast(S, w[wr + t * ts]), a);
                }
                a.intoArray(acc, o + c);
            }
            addWeightedColumns(w, wr, ts, count, src, so, n, acc, o, c);
        }
    }

    /** One row of {@link #addWeightedRows} for its columns [c0, n), one at a time. */
    private static void addWeightedColumns(float[] w, int wr, int ts, int count, float[] src, int so, int n,
                                           float[] acc, int o, int c0) {
        for (int c = c0; c < n; c++) {
            float a = acc[o + c];
            for (int t = 0; t < count; t++) a += w[wr + t * ts] * src[so + t * n + c];
            acc[o + c] = a;
        }
    }

    private static void scaleRow(float[] y, int yo, int n, float alpha) {
        int c = 0;
        for (; c <= n - L; c += L) FloatVector.fromArray(S, y, yo + c).mul(alpha).intoArray(y, yo + c);
        for (; c < n; c++) y[yo + c] *= alpha;
    }

    /** Keys j < limit are the only ones query i can see (all of them without a causal mask). */
    private static int keyLimit(AttentionShape s, int i) {
        return s.causal() ? Math.max(0, Math.min(s.tk(), i + (s.tk() - s.tq()) + 1)) : s.tk();
    }

    /** Rows j0..j1 of x [T, n] (at xo) transposed into t [n, BC], zero-padded to BC columns. */
    private static void packTransposed(float[] x, int xo, int n, int j0, int j1, float[] t) {
        java.util.Arrays.fill(t, 0, n * BC, 0f);
        for (int j = j0; j < j1; j++) {
            for (int c = 0; c < n; c++) t[c * BC + (j - j0)] = x[xo + j * n + c];
        }
    }

    /**
     * out[0..BC) = Σ_c row[c]·t[c, 0..BC): one query row against a block of keys, SIMD across the keys
     * (no horizontal sums), four independent accumulators to hide the FMA latency.
     */
    private static void rowTimesBlock(float[] row, int ro, int n, float[] t, float[] out) {
        int vb = 0;
        for (; vb + 4 * L <= BC; vb += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c < n; c++) {
                FloatVector x = FloatVector.broadcast(S, row[ro + c]);
                int tc = c * BC + vb;
                a0 = FloatVector.fromArray(S, t, tc).fma(x, a0);
                a1 = FloatVector.fromArray(S, t, tc + L).fma(x, a1);
                a2 = FloatVector.fromArray(S, t, tc + 2 * L).fma(x, a2);
                a3 = FloatVector.fromArray(S, t, tc + 3 * L).fma(x, a3);
            }
            a0.intoArray(out, vb);
            a1.intoArray(out, vb + L);
            a2.intoArray(out, vb + 2 * L);
            a3.intoArray(out, vb + 3 * L);
        }
        for (; vb < BC; vb += L) {
            FloatVector a = FloatVector.zero(S);
            for (int c = 0; c < n; c++) a = FloatVector.fromArray(S, t, c * BC + vb).fma(FloatVector.broadcast(S, row[ro + c]), a);
            a.intoArray(out, vb);
        }
    }

    /**
     * Scores of query i against keys j0..jEnd: q_i·k_j·scale + bias, −∞ for keys the row may not see
     * (and for the padding lanes up to BC). Returns the block's max.
     */
    private static float scores(AttentionShape s, float[] q, int qRow, float[] kt, float[] bias, Layout bl,
                                int b, int h, int i, int j0, int jEnd, float[] sc) {
        rowTimesBlock(q, qRow, s.d(), kt, sc);
        if (bias == null) { // the common case, in vectors: scale, the block's max, −∞ past the last visible key
            int n = jEnd - j0, j = 0;
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j <= n - L; j += L) {
                FloatVector x = FloatVector.fromArray(S, sc, j).mul(s.scale());
                x.intoArray(sc, j);
                vmax = vmax.max(x); // Java's max: a NaN score makes the max NaN, as Math.max below does
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; j < n; j++) max = Math.max(max, sc[j] *= s.scale());
            java.util.Arrays.fill(sc, n, BC, Float.NEGATIVE_INFINITY);
            return max;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < BC; j++) {
            if (j0 + j < jEnd) {
                sc[j] = sc[j] * s.scale() + ScalarAttention.bias(bias, bl, b, h, i, j0 + j);
                max = Math.max(max, sc[j]);
            } else {
                sc[j] = Float.NEGATIVE_INFINITY;
            }
        }
        return max;
    }

    static void forward(AttentionShape s, float[] q, float[] k, float[] v, float[] bias, Layout bl, float[] out, float[] lse) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), dv = s.dv(), heads = s.heads();
        int qBlocks = (tq + BR - 1) / BR;
        Parallel.forRange((long) s.batch() * heads * qBlocks, 1, (lo, hi) -> {
            float[] m = new float[BR], l = new float[BR], acc = new float[BR * dv], sc = new float[BC], kt = new float[d * BC];
            float[] w = new float[BR * BC]; // the block's weights, row r at r·BC
            for (long task = lo; task < hi; task++) {
                int bh = (int) (task / qBlocks), i0 = (int) (task % qBlocks) * BR, rows = Math.min(BR, tq - i0);
                int b = bh / heads, h = bh % heads;
                int qo = bh * tq * d, ko = bh * tk * d, vo = bh * tk * dv;
                java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
                java.util.Arrays.fill(l, 0f);
                java.util.Arrays.fill(acc, 0f);
                int blockLimit = keyLimit(s, i0 + rows - 1);
                for (int j0 = 0; j0 < blockLimit; j0 += BC) {
                    int j1 = Math.min(blockLimit, j0 + BC);
                    packTransposed(k, ko, d, j0, j1, kt);
                    for (int r = 0; r < rows; r++) {
                        int i = i0 + r, jEnd = Math.min(j1, keyLimit(s, i));
                        float blockMax = jEnd <= j0 ? Float.NEGATIVE_INFINITY
                                : scores(s, q, qo + i * d, kt, bias, bl, b, h, i, j0, jEnd, sc);
                        float mNew = Math.max(m[r], blockMax);
                        if (jEnd <= j0 || mNew == Float.NEGATIVE_INFINITY) { // no key here, or every key so far masked
                            java.util.Arrays.fill(w, r * BC, r * BC + BC, 0f);
                            continue;
                        }
                        float alpha = (float) Math.exp(m[r] - mNew);
                        if (alpha != 1f) scaleRow(acc, r * dv, dv, alpha);
                        // p_j = e^(s_j − mNew) for the whole block at once, in place (a masked score, −∞, gives 0):
                        // with one Math.exp per query and key, forward and backward of B=4, H=4, T=512, D=64 took
                        // 202 ms on two threads, 150 with the vector exp here and in the backward
                        VecMath.exp(sc, 0, 1f, -mNew, sc, 0, BC);
                        float sum = 0f;
                        for (int j = 0; j < jEnd - j0; j++) sum += sc[j];
                        System.arraycopy(sc, 0, w, r * BC, BC);
                        l[r] = l[r] * alpha + sum;
                        m[r] = mNew;
                    }
                    addWeightedRows(w, 0, BC, 1, rows, j1 - j0, v, vo + j0 * dv, dv, acc, 0); // acc_r += Σ_j p_rj·v_j
                }
                for (int r = 0; r < rows; r++) {
                    int i = i0 + r;
                    float inv = 1f / l[r]; // l = 0 (fully masked row) gives NaN outputs, as the unfused softmax does
                    for (int c = 0; c < dv; c++) out[(bh * tq + i) * dv + c] = acc[r * dv + c] * inv;
                    lse[bh * tq + i] = m[r] + (float) Math.log(l[r]);
                }
            }
        });
    }

    /**
     * For query i and the key block packed in kt/vt: the weights p_j = exp(s_ij − lse_i) into p and the score
     * gradients ds_j = p_j·(dOut_i·v_j − D_i)·scale into ds. Returns false when the row sees no key here.
     */
    private static boolean weightsAndScoreGrads(AttentionShape s, float[] q, int qRow, float[] dOut, int oRow,
                                                float[] kt, float[] vt, float[] bias, Layout bl, int b, int h, int i,
                                                int j0, int j1, float lse, float rowDot, float[] p, float[] ds) {
        int jEnd = Math.min(j1, keyLimit(s, i));
        if (jEnd <= j0) return false;
        scores(s, q, qRow, kt, bias, bl, b, h, i, j0, jEnd, p);
        rowTimesBlock(dOut, oRow, s.dv(), vt, ds);                                  // dp_j = dOut_i · v_j
        if (Float.isFinite(lse)) {
            VecMath.exp(p, 0, 1f, -lse, p, 0, BC); // p_j = e^(s_j − lse); a masked score (−∞) gives 0
        } else { // a row that sees no key (lse = −∞): its weights are 0 where masked, not e^(−∞ + ∞) = NaN
            for (int j = 0; j < BC; j++) p[j] = p[j] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(p[j] - lse);
        }
        int j = 0;
        for (; j <= BC - L; j += L) {
            FloatVector.fromArray(S, p, j).mul(FloatVector.fromArray(S, ds, j).sub(rowDot)).mul(s.scale()).intoArray(ds, j);
        }
        for (; j < BC; j++) ds[j] = p[j] * (ds[j] - rowDot) * s.scale();
        return true;
    }

    /**
     * The weights p and score gradients ds of queries [i0, i1) against keys [j0, j1) (packed in kt/vt), query
     * i's row at (i − i0)·BC of p and ds; zeros for a query that sees no key of the block.
     */
    private static void blockWeights(AttentionShape s, float[] q, float[] dOut, float[] kt, float[] vt, float[] bias,
                                     Layout bl, int b, int h, int bh, int i0, int i1, int j0, int j1, float[] lse,
                                     float[] rowDot, float[] pRow, float[] dsRow, float[] p, float[] ds) {
        int tq = s.tq(), d = s.d(), dv = s.dv();
        for (int i = i0; i < i1; i++) {
            int r = (i - i0) * BC;
            if (weightsAndScoreGrads(s, q, (bh * tq + i) * d, dOut, (bh * tq + i) * dv, kt, vt, bias, bl, b, h, i, j0, j1,
                    lse[bh * tq + i], rowDot[bh * tq + i], pRow, dsRow)) {
                System.arraycopy(pRow, 0, p, r, BC);
                System.arraycopy(dsRow, 0, ds, r, BC);
            } else {
                java.util.Arrays.fill(p, r, r + BC, 0f);
                java.util.Arrays.fill(ds, r, r + BC, 0f);
            }
        }
    }

    static void backward(AttentionShape s, float[] q, float[] k, float[] v, float[] bias, Layout bl, float[] out,
                         float[] lse, float[] dOut, float[] dq, float[] dk, float[] dvOut) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), dv = s.dv(), heads = s.heads(), bhCount = s.batch() * heads;
        // D_i = Σ_c dOut[i, c]·out[i, c]: the softmax backward's row term, shared by both passes
        float[] rowDot = new float[bhCount * tq];
        Parallel.forRange(rowDot.length, 256, (lo, hi) -> {
            for (int r = (int) lo; r < hi; r++) rowDot[r] = dot(dOut, r * dv, out, r * dv, dv);
        });
        // pass 1: dq, one task per (bh, block of query rows)
        int qBlocks = (tq + BR - 1) / BR;
        Parallel.forRange((long) bhCount * qBlocks, 1, (lo, hi) -> {
            // weights and score gradients of the BR queries × BC keys, row r at r·BC
            float[] kt = new float[d * BC], vt = new float[dv * BC], p = new float[BR * BC], ds = new float[BR * BC];
            float[] pRow = new float[BC], dsRow = new float[BC];
            for (long task = lo; task < hi; task++) {
                int bh = (int) (task / qBlocks), i0 = (int) (task % qBlocks) * BR, i1 = Math.min(tq, i0 + BR);
                int b = bh / heads, h = bh % heads, qo = bh * tq * d, ko = bh * tk * d, vo = bh * tk * dv;
                int blockLimit = keyLimit(s, i1 - 1);
                for (int j0 = 0; j0 < blockLimit; j0 += BC) {
                    int j1 = Math.min(blockLimit, j0 + BC);
                    packTransposed(k, ko, d, j0, j1, kt);
                    packTransposed(v, vo, dv, j0, j1, vt);
                    blockWeights(s, q, dOut, kt, vt, bias, bl, b, h, bh, i0, i1, j0, j1, lse, rowDot, pRow, dsRow, p, ds);
                    addWeightedRows(ds, 0, BC, 1, i1 - i0, j1 - j0, k, ko + j0 * d, d, dq, qo + i0 * d); // dq_i += Σ_j ds_ij·k_j
                }
            }
        });
        // pass 2: dk and dv, one task per (bh, block of keys)
        int kBlocks = (tk + BC - 1) / BC;
        Parallel.forRange((long) bhCount * kBlocks, 1, (lo, hi) -> {
            // weights and score gradients of BR queries × the BC keys, row r at r·BC
            float[] kt = new float[d * BC], vt = new float[dv * BC], p = new float[BR * BC], ds = new float[BR * BC];
            float[] pRow = new float[BC], dsRow = new float[BC];
            for (long task = lo; task < hi; task++) {
                int bh = (int) (task / kBlocks), j0 = (int) (task % kBlocks) * BC, j1 = Math.min(tk, j0 + BC);
                int b = bh / heads, h = bh % heads, qo = bh * tq * d, ko = bh * tk * d, vo = bh * tk * dv, oo = bh * tq * dv;
                packTransposed(k, ko, d, j0, j1, kt);
                packTransposed(v, vo, dv, j0, j1, vt);
                int iStart = s.causal() ? Math.max(0, j0 - (tk - tq)) : 0; // first query that sees key j0
                for (int i0 = iStart; i0 < tq; i0 += BR) {
                    int i1 = Math.min(tq, i0 + BR);
                    blockWeights(s, q, dOut, kt, vt, bias, bl, b, h, bh, i0, i1, j0, j1, lse, rowDot, pRow, dsRow, p, ds);
                    // dv_j += Σ_i p_ij·dOut_i, dk_j += Σ_i ds_ij·q_i: the keys are the rows, the weights' columns
                    addWeightedRows(p, 0, 1, BC, j1 - j0, i1 - i0, dOut, oo + i0 * dv, dv, dvOut, vo + j0 * dv);
                    addWeightedRows(ds, 0, 1, BC, j1 - j0, i1 - i0, q, qo + i0 * d, d, dk, ko + j0 * d);
                }
            }
        });
    }
}
