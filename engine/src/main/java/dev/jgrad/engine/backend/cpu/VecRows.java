package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.Storage;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row kernels over contiguous [rows, cols] matrices: softmax, log-softmax and LayerNorm, forward and
 * backward. Each row is independent, so rows are split over the pool; within a row the passes are SIMD.
 * Statistics accumulate in float lanes (the scalar reference uses double; tests bound the difference).
 */
final class VecRows {
    private VecRows() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();

    private static long grain(int cols) {
        return Math.max(1, VectorBackend.GRAIN / Math.max(1, cols));
    }

    /**
     * Rows at least this long are split in two (see {@link #softmax}); for 128-float rows the second call cost
     * more than it saved (8192×128 on two threads: −10–17%).
     */
    private static final int SKEW_MIN_COLS = 32 * L;

    /**
     * Rows a thread's softmax touches while it finishes two rows behind (see {@link #softmax}): x's rows r and
     * r + 1, and the output's rows r, r − 1 and r − 2.
     */
    private static final int LAGGED_ROWS = 5;

    /**
     * Whether softmax's rows in and out take more than half the L3 ({@link Caches#L3_BYTES}), which the cores
     * share (in a VM, with other tenants too), so that they come from memory rather than from L3: where its
     * streamed form pays off (4096×1024 on the EPYC's 32 MB) and not where it costs (rows in cache).
     */
    static boolean fromMemory(int rows, int cols) {
        return 2L * rows * cols * Float.BYTES > Caches.L3_BYTES / 2;
    }

    /**
     * Softmax or log-softmax of each row, pipelined over each thread's rows: the pass over row r computes its
     * exponentials, finishes an earlier row (r − 1, or r − 2: see below; softmax: times 1/sum; log-softmax:
     * x − max − log sum) and finds the max of row r + 1 ({@link VecMath#expRowPipelined}); row r's sum follows,
     * over the row in L1. A chunk's first max is found alone, and its first passes finish a row of zeros.
     * 4096×1024 in interleaved runs, 1 / 2 threads: a pass each for max, exponentials, sum and normalizing ran
     * at 9.4–10.3 / 19.1–19.8 GB/s on JDK 17 and 12.7–12.9 / 25.0–25.4 on JDK 25; pipelined, 15.7–16.2 /
     * 29.0–29.4 and 17.2 / 35.8; with fewer instructions in the loop (see there), 15.8–17.8 / 33.4–35.1 and
     * 18.4–20.1 / 37.0–38.8 (on the Xeon of benchmarks/RESULTS.md).
     *
     * <p>Rows of at least {@link #SKEW_MIN_COLS} floats run as two calls, each taking the exponentials of one
     * half of the row (and the next row's max over that half) while it finishes the other half of the previous
     * row. Large input and output arrays both start on a G1 region, so elements of the same index share their
     * low 12 address bits, and with every stream at the same column the loads waited on pending stores that
     * matched them in those bits (in a harness, the output shifted by 2 KB ran 25–30% faster). With the
     * finishing stream half a row away, 4096×1024 in interleaved runs on the EPYC: one thread 11.3–13.7 →
     * 13.0–14.8 GB/s, two 24.4–26.0 → 27.4–29.3.
     *
     * <p>Those long rows are also finished two rows behind (row r's pass finishes row r − 2) where
     * {@link #LAGGED_ROWS} of them fit in L1. The previous row's output lines were written by the pass just
     * before, from L3 or memory, and on the EPYC the finishing loads and stores waited on those stores; a row
     * later they have landed. Interleaved runs of the bench on one thread: 4096×1024 13.3–13.8 → 14.6–15.4 GB/s,
     * 4096×768 and 8192×512 +5–40%, rows in L2 unchanged; 2048×2048, whose five rows do not fit, was 5% slower
     * with the lag and keeps lag 1.
     *
     * <p>Streamed, where the rows come from memory ({@link #fromMemory}): each row's max is found by a tight pass
     * of its own just before its exponentials (a loop of only loads keeps more of them in flight; see
     * {@link #layerNorm}), and the exponentials' loop sums them too ({@link VecMath#expRowStreamed}), so each row
     * is read from memory by one pass and crossed in L1 by one more. 4096×1024 in a harness, interleaved: one
     * thread 16.3–17.4 → 20.0–20.9 GB/s, two 32–36 → 40–42; with the max alone in a pass of its own (and the
     * pipelined loop for the rest) it had been +0–10%, and 20–30% slower with the rows in cache, hence the rule.
     * The sum's order differs from the pipelined form's, so the two forms agree to rounding, not to the bit.
     */
    static void softmax(boolean log, float[] x, int rows, int cols, float[] out) {
        softmax(log, x, rows, cols, out, fromMemory(rows, cols));
    }

    /**
     * {@link #softmax} in the form asked for: pipelined, or streamed (each row's max by a pass of its own, then one
     * loop for its exponentials and their sum).
     */
    static void softmax(boolean log, float[] x, int rows, int cols, float[] out, boolean streamed) {
        Parallel.forRange(rows, grain(cols), (lo, hi) -> {
            float[] idle = new float[cols];
            // long rows in two halves, the finishing stream half a row away from the others (see above)
            int h = cols >= SKEW_MIN_COLS ? cols / 2 / L * L : cols, g = cols - h;
            // rows waiting for their finishing pass, which row r's pass gives to row r − lag (see above)
            int lag = g > 0 && (long) LAGGED_ROWS * cols * Float.BYTES <= Caches.L1D_BYTES ? 2 : 1;
            int[] waiting = new int[lag];
            float[] mul = new float[lag], add = new float[lag];
            java.util.Arrays.fill(waiting, -1);
            float[] lanes = new float[L];
            float max = streamed ? 0f : VecReduce.maxRow(x, (int) lo * cols, cols); // streamed: each row's below
            for (int r = (int) lo; r < hi; r++) {
                int base = r * cols, next = r + 1 < hi ? base + cols : base; // the last row reads its own max again
                int slot = (int) ((r - lo) % lag), prev = waiting[slot]; // prev = r − lag, or −1 in a chunk's first rows
                // log-softmax's exponentials were only needed for their sum: its output is finished from x
                float[] fin = prev >= 0 ? out : idle, finSrc = prev < 0 ? idle : log ? x : out;
                int f = prev >= 0 ? prev * cols : 0;
                float sum, nextMax = 0f; // streamed, the next row takes its own max
                if (streamed) {
                    max = VecReduce.maxRow(x, base, cols);
                    sum = VecMath.expRowStreamed(x, base, max, out, base, h, fin, f + g, finSrc, mul[slot], add[slot], lanes);
                    if (g > 0) sum += VecMath.expRowStreamed(x, base + h, max, out, base + h, g, fin, f, finSrc, mul[slot], add[slot], lanes);
                } else {
                    nextMax = VecMath.expRowPipelined(x, base, max, out, base, h, next, fin, f + g, finSrc, mul[slot], add[slot]);
                    if (g > 0) {
                        nextMax = Math.max(nextMax, VecMath.expRowPipelined(x, base + h, max, out, base + h, g, next + h, fin, f, finSrc, mul[slot], add[slot]));
                    }
                    sum = VecReduce.sumRow(out, base, cols);
                }
                waiting[slot] = r;
                mul[slot] = log ? 1f : 1f / sum;
                add[slot] = log ? -(max + (float) Math.log(sum)) : 0f;
                max = nextMax;
            }
            for (int slot = 0; slot < lag; slot++) { // the chunk's last rows
                int prev = waiting[slot];
                if (prev < 0) continue;
                float[] finSrc = log ? x : out;
                int f = prev * cols, c = 0;
                for (; c <= cols - L; c += L) FloatVector.fromArray(S, finSrc, f + c).fma(mul[slot], add[slot]).intoArray(out, f + c);
                for (; c < cols; c++) out[f + c] = Math.fma(finSrc[f + c], mul[slot], add[slot]);
            }
        });
    }

    static void softmaxBackward(boolean log, float[] y, float[] dy, int rows, int cols, float[] dx) {
        Parallel.forRange(rows, grain(cols), (lo, hi) -> {
            float[] lanes = new float[L];
            for (int r = (int) lo; r < hi; r++) {
                int base = r * cols;
                // dot = Σ dy (log-softmax) or Σ dy·y (softmax)
                FloatVector acc = FloatVector.zero(S);
                int c = 0;
                for (; c <= cols - L; c += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, base + c);
                    acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, base + c), acc);
                }
                acc.intoArray(lanes, 0);
                float dot = VecMath.sumLanes(lanes);
                for (; c < cols; c++) dot += log ? dy[base + c] : dy[base + c] * y[base + c];
                c = 0;
                if (log) { // dx = dy − e^y·dot, with e^y (the softmax) first written to dx (dx is never dy)
                    VecMath.exp(y, base, 1f, 0f, dx, base, cols);
                    for (; c <= cols - L; c += L) {
                        FloatVector.fromArray(S, dy, base + c).sub(FloatVector.fromArray(S, dx, base + c).mul(dot)).intoArray(dx, base + c);
                    }
                } else {
                    for (; c <= cols - L; c += L) {
                        FloatVector g = FloatVector.fromArray(S, dy, base + c), yv = FloatVector.fromArray(S, y, base + c);
                        yv.mul(g.sub(dot)).intoArray(dx, base + c);
                    }
                }
                for (; c < cols; c++) {
                    int i = base + c;
                    dx[i] = log ? dy[i] - dx[i] * dot : y[i] * (dy[i] - dot);
                }
            }
        });
    }

    /**
     * dx = dloss[r]·(e^logp − onehot(target)) per row: cross-entropy's gradient from the saved log-probabilities,
     * without class weights or label smoothing; rows whose target is {@code ignoreIndex} get zeros.
     */
    static void crossEntropyBackward(float[] logp, Storage targets, float[] dloss, int rows, int cols, int ignoreIndex, float[] dx) {
        Parallel.forRange(rows, grain(cols), (lo, hi) -> {
            for (int r = (int) lo; r < hi; r++) {
                int base = r * cols;
                long t = HostCopy.index(targets, r);
                if (t == ignoreIndex) {
                    java.util.Arrays.fill(dx, base, base + cols, 0f);
                    continue;
                }
                int target = ScalarBackend.checkedTarget(t, cols, r);
                VecMath.exp(logp, base, 1f, 0f, dx, base, cols); // softmax = e^logp
                float g = dloss[r];
                int c = 0;
                for (; c <= cols - L; c += L) FloatVector.fromArray(S, dx, base + c).mul(g).intoArray(dx, base + c);
                for (; c < cols; c++) dx[base + c] *= g;
                dx[base + target] -= g;
            }
        });
    }

    /**
     * Above this ratio of Σ (x − k)²/n to the variance, the single pass's variance is taken again by two passes
     * (see {@link #layerNorm}): its relative error is at most this many times the float sum's.
     */
    private static final float CANCELLATION_LIMIT = 8f;

    /**
     * LayerNorm of each row: one pass for the moments, one to normalize. The pass over the row (from L3 or
     * memory) sums x − k and (x − k)² for a shift k near the mean, the mean of the row's first vector, and the
     * variance is Σ (x − k)²/n − (mean − k)². The shift is what makes one pass safe: unshifted, E[x²] − mean²
     * cancels catastrophically for rows far from zero, and with k near the mean the two terms are close only
     * when k is far from it in units of the standard deviation (an outlier among the first lanes). Then, when
     * Σ (x − k)²/n exceeds {@link #CANCELLATION_LIMIT} times the variance, the variance is summed again as
     * Σ (x − mean)² over the row, still in L1; for normal rows that is one in tens of thousands.
     *
     * <p>It replaced three passes (the sum, Σ (x − mean)² and normalizing), pipelined so that the normalizing
     * pass summed the next row: a loop with only loads keeps far more of them in flight than one that also
     * computes and stores, and one pass less over the row in L1 left the core free sooner. On the EPYC of
     * benchmarks/RESULTS.md, 4096×768 in interleaved runs of the bench: one thread 22–23 → 33–35 GB/s, two 55–56
     * → 65–70; 1024×768 (in L3) and 256×768 (in L2) within noise (in a harness +2–8%).
     */
    static void layerNorm(float[] x, float[] w, float[] b, int rows, int cols, float eps,
                          float[] out, float[] mean, float[] rstd) {
        Parallel.forRange(rows, grain(cols), (lo, hi) -> {
            float[] lanes = new float[L];
            for (int r = (int) lo; r < hi; r++) {
                int base = r * cols;
                float k = firstVectorMean(x, base, cols, lanes);
                // Σ (x − k) and Σ (x − k)², two chains each so that neither waits on its own add's or FMA's latency
                FloatVector s1 = FloatVector.zero(S), s2 = s1, t1 = s1, t2 = s1;
                int c = 0;
                for (; c <= cols - 2 * L; c += 2 * L) {
                    FloatVector d = FloatVector.fromArray(S, x, base + c).sub(k), e = FloatVector.fromArray(S, x, base + c + L).sub(k);
                    s1 = s1.add(d);
                    s2 = d.fma(d, s2);
                    t1 = t1.add(e);
                    t2 = e.fma(e, t2);
                }
                for (; c <= cols - L; c += L) {
                    FloatVector d = FloatVector.fromArray(S, x, base + c).sub(k);
                    s1 = s1.add(d);
                    s2 = d.fma(d, s2);
                }
                s1.add(t1).intoArray(lanes, 0);
                float sum = VecMath.sumLanes(lanes);
                s2.add(t2).intoArray(lanes, 0);
                float squares = VecMath.sumLanes(lanes);
                for (; c < cols; c++) {
                    float d = x[base + c] - k;
                    sum += d;
                    squares += d * d;
                }
                float offset = sum / cols, m = k + offset, v = squares / cols - offset * offset; // offset = mean − k
                // also taken for v < 0 and NaN (a non-finite row, which stays NaN)
                if (!(v * CANCELLATION_LIMIT >= squares / cols)) v = squaredDeviations(x, base, cols, m, lanes) / cols;
                float s = (float) (1.0 / Math.sqrt(v + eps));
                for (c = 0; c <= cols - L; c += L) {
                    FloatVector n = FloatVector.fromArray(S, x, base + c).sub(m).mul(s);
                    if (w != null) n = n.mul(FloatVector.fromArray(S, w, c));
                    if (b != null) n = n.add(FloatVector.fromArray(S, b, c));
                    n.intoArray(out, base + c);
                }
                for (; c < cols; c++) {
                    float n = (x[base + c] - m) * s;
                    if (w != null) n *= w[c];
                    if (b != null) n += b[c];
                    out[base + c] = n;
                }
                mean[r] = m;
                rstd[r] = s;
            }
        });
    }

    /** The mean of x[base .. base + min(L, cols)), LayerNorm's shift, in a fixed order. */
    private static float firstVectorMean(float[] x, int base, int cols, float[] lanes) {
        if (cols >= L) {
            FloatVector.fromArray(S, x, base).intoArray(lanes, 0);
            return VecMath.sumLanes(lanes) / L;
        }
        float sum = 0f;
        for (int c = 0; c < cols; c++) sum += x[base + c];
        return sum / cols;
    }

    /** Σ (x − m)² over x[base .. base + cols), four FMA chains (one ran at the FMA's latency). */
    private static float squaredDeviations(float[] x, int base, int cols, float m, float[] lanes) {
        FloatVector acc = FloatVector.zero(S), acc1 = acc, acc2 = acc, acc3 = acc;
        int c = 0;
        for (; c <= cols - 4 * L; c += 4 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, base + c).sub(m), d1 = FloatVector.fromArray(S, x, base + c + L).sub(m);
            FloatVector d2 = FloatVector.fromArray(S, x, base + c + 2 * L).sub(m), d3 = FloatVector.fromArray(S, x, base + c + 3 * L).sub(m);
            acc = d0.fma(d0, acc);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (; c <= cols - L; c += L) {
            FloatVector d = FloatVector.fromArray(S, x, base + c).sub(m);
            acc = d.fma(d, acc);
        }
        acc.add(acc1).add(acc2.add(acc3)).intoArray(lanes, 0);
        float v = VecMath.sumLanes(lanes);
        for (; c < cols; c++) v += (x[base + c] - m) * (x[base + c] - m);
        return v;
    }

    /**
     * dx per row as in the scalar reference; dw and db are column sums over rows, so each thread sums its rows
     * into private buffers that are added up at the end (no write sharing between threads).
     */
    static void layerNormBackward(float[] x, float[] w, float[] mean, float[] rstd, float[] dy, int rows, int cols,
                                  float[] dx, float[] dw, float[] db) {
        // Partial sums keyed by the chunk's first row, added in row order: the result does not depend on which
        // thread finished first, so runs are bit-for-bit repeatable.
        java.util.SortedMap<Long, float[][]> parts = java.util.Collections.synchronizedSortedMap(new java.util.TreeMap<>());
        Parallel.forRange(rows, grain(cols), (lo, hi) -> {
            float[] dwLocal = dw == null ? null : new float[cols], dbLocal = db == null ? null : new float[cols];
            float[] lanes = new float[L];
            parts.put(lo, new float[][] {dwLocal, dbLocal});
            for (int r = (int) lo; r < hi; r++) {
                int base = r * cols;
                float mu = mean[r], s = rstd[r];
                FloatVector accDn = FloatVector.zero(S), accDnN = FloatVector.zero(S);
                int c = 0;
                for (; c <= cols - L; c += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, base + c);
                    FloatVector n = FloatVector.fromArray(S, x, base + c).sub(mu).mul(s);
                    FloatVector dn = w == null ? g : g.mul(FloatVector.fromArray(S, w, c));
                    accDn = accDn.add(dn);
                    accDnN = dn.fma(n, accDnN);
                    if (dwLocal != null) g.fma(n, FloatVector.fromArray(S, dwLocal, c)).intoArray(dwLocal, c);
                    if (dbLocal != null) g.add(FloatVector.fromArray(S, dbLocal, c)).intoArray(dbLocal, c);
                }
                accDn.intoArray(lanes, 0);
                float sumDn = VecMath.sumLanes(lanes);
                accDnN.intoArray(lanes, 0);
                float sumDnN = VecMath.sumLanes(lanes);
                for (; c < cols; c++) {
                    float g = dy[base + c];
                    float n = (x[base + c] - mu) * s;
                    float dn = w == null ? g : g * w[c];
                    sumDn += dn;
                    sumDnN += dn * n;
                    if (dwLocal != null) dwLocal[c] += g * n;
                    if (dbLocal != null) dbLocal[c] += g;
                }
                float meanDn = sumDn / cols, meanDnN = sumDnN / cols;
                c = 0;
                for (; c <= cols - L; c += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, base + c);
                    FloatVector n = FloatVector.fromArray(S, x, base + c).sub(mu).mul(s);
                    FloatVector dn = w == null ? g : g.mul(FloatVector.fromArray(S, w, c));
                    dn.sub(meanDn).sub(n.mul(meanDnN)).mul(s).intoArray(dx, base + c);
                }
                for (; c < cols; c++) {
                    float n = (x[base + c] - mu) * s;
                    float dn = w == null ? dy[base + c] : dy[base + c] * w[c];
                    dx[base + c] = s * (dn - meanDn - n * meanDnN);
                }
            }
        });
        for (float[][] p : parts.values()) {
            if (p[0] != null) for (int c = 0; c < cols; c++) dw[c] += p[0][c];
            if (p[1] != null) for (int c = 0; c < cols; c++) db[c] += p[1][c];
        }
    }
}
