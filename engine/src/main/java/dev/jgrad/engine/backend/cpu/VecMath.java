package dev.jgrad.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions over arrays, written with FMAs and bit tricks only (JDK 17's {@code lanewise(EXP)} is
 * not reliably intrinsified: profiles showed scalar-speed softmax and GELU).
 *
 * <p>Why the functions take arrays and not vectors. The Vector API compiles to SIMD only when C2 inlines the
 * whole computation into one compiled method; a helper that takes or returns a {@code FloatVector} and is not
 * inlined receives and returns heap objects, and C2 then runs its operations through their Java fallbacks (one
 * allocation per operation). On JDK 17 whether such a helper is inlined is a race: a hot loop still running in
 * C1 calls the helper often enough that C2 compiles the helper on its own first, and the loop's later C2 compile
 * refuses to inline it ("already compiled into a big method"), or a large loop body hits C2's node budget
 * ("NodeCountInliningCutoff"). Measured on W2: from one JVM to the next the step allocated either 0.8 GB or 1.9
 * GB, the extra 1.1 GB being boxed vectors from GELU's and softmax's exp, and ran up to 20% slower (JDK 25
 * inlined correctly every time). So every vector formula that is more than a few operations long lives in the
 * body of a loop over arrays, and kernels call it with arrays and offsets: nothing a compiler can leave out of
 * line carries a vector.
 */
final class VecMath {
    private VecMath() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final VectorSpecies<Integer> I = S.vectorShape().withLanes(int.class);
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float to an integer, which then sits in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** exp's range: below LO the result is 0 (e^LO ≈ 2.1e-38, just above float's smallest normal), above HI +∞. */
    static final float LO = -86.98f, HI = 88.72283f;

    /**
     * dst[d + i] = e^(scale·src[s + i] + shift) for i in [0, n). In place (src == dst, s == d) is allowed: each
     * element is read before it is written.
     *
     * <p>Within 2 ulp of {@link Math#exp} (Cephes' expf: y = k·ln 2 + r with |r| ≤ ln2/2, e^r by a degree-6
     * polynomial, 2^k assembled in the exponent bits). Underflows to 0 below {@link #LO} = −86.98 (no subnormal
     * or near-subnormal results), overflows to +∞ above {@link #HI} = 88.72 (where float's range ends), keeps NaN.
     *
     * <p>This method is its own compile unit on purpose: its ~25 vector operations are a large part of C2's node
     * budget, and callers that inlined it (softmax's row loop, GELU's passes) ran past that budget and boxed
     * their vectors. At more than 325 bytes of bytecode (C2's FreqInlineSize) it is never inlined; callers pay
     * one call per row or chunk.
     */
    static void exp(float[] src, int s, float scale, float shift, float[] dst, int d, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, src, s + i).fma(scale, shift);
            // clamp by compare and blend, not max/min: Java's max/min semantics (NaN, −0.0) cost C2 several
            // instructions per call on x86, a compare and a masked move are one each, and the masks are reused
            VectorMask<Float> under = x.compare(VectorOperators.LT, LO), over = x.compare(VectorOperators.GT, HI);
            FloatVector xc = x.blend(LO, under).blend(HI, over);
            FloatVector t = xc.fma(LOG2E, ROUND);                  // k + ROUND, k = round(x·log2 e)
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(xc.broadcast(-LN2_HI), xc);      // r = x − k·ln 2, in two parts for accuracy
            r = k.fma(xc.broadcast(-LN2_LO), r);
            FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
            p = p.fma(r, r.broadcast(8.3334519073e-3f));
            p = p.fma(r, r.broadcast(4.1665795894e-2f));
            p = p.fma(r, r.broadcast(1.6666665459e-1f));
            p = p.fma(r, r.broadcast(5.0000001201e-1f));
            p = p.fma(r.mul(r), r).fma(2f, 2f);                     // 2·(1 + r + r²·P(r)) = 2·e^r
            // e^x = (2·e^r)·2^(k−1): k reaches 128 at the top of the range, and 2^128 is not a float while e^88.72
            // (below 2^128) is; with k ≥ −125 at the bottom (LO), 2^(k−1) stays a normal float
            IntVector ki = t.reinterpretAsInts().sub(ROUND_BITS);
            FloatVector scale2k = ki.add(126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            // NaN needs no blend: it compares false, passes the clamp and makes p NaN
            p.mul(scale2k).blend(0f, under).blend(Float.POSITIVE_INFINITY, over).intoArray(dst, d + i);
        }
        for (; i < n; i++) { // the same results as the vectors: no subnormals
            float x = Math.fma(scale, src[s + i], shift);
            dst[d + i] = x < LO ? 0f : (float) Math.exp(x);
        }
    }

    /** Bits of 87.5f: {@link #expRowPipelined} clamps max − x to it, as an int (see there). */
    private static final int CLAMP_BITS = Float.floatToRawIntBits(87.5f);
    /**
     * e^r ≈ 1 + r + Q2·r² + ... + Q6·r⁶ for |r| ≤ ln2/2: a minimax fit of relative error (5.3e-9 in exact
     * arithmetic; tools/exp_minimax.py). Evaluated in float by {@link #expRowPipelined} it is within
     * 0.89 ulp of e^x for every float d = max − x in [0, 87), as Cephes' degree-7 polynomial in {@link #exp} is,
     * with one FMA less.
     */
    private static final float Q2 = 0.4999999403953552f, Q3 = 0.166664719581604f, Q4 = 0.04166758805513382f,
            Q5 = 0.008373464457690716f, Q6 = 0.0013887258246541023f;
    private static final int NEG_INF_BITS = Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);

    /**
     * One pass of the pipelined softmax ({@link VecRows#softmax}), over three rows at once: the exponentials of
     * the current row, {@code dst[d + i] = e^(src[s + i] − max)}; the previous row finished,
     * {@code fin[f + i] = finSrc[f + i]·finMul + finAdd}; and, returned, the maximum of the next row
     * {@code src[next + i]}, or NaN when that row holds a NaN (or both infinities): a NaN max turns each of the
     * row's exponentials into NaN or 0, and so the whole row into NaN, as it should be. All three have length n.
     *
     * <p>Why three rows in one loop. A row's first pass (its max) reads it from L3 or memory, and as a pass of
     * its own it waited for those loads: ~150–200 of the ~790 ns a 1024-float row took on one core. Here the
     * next row's loads overlap the exponentials' arithmetic, and the previous row's finishing multiply (its row
     * still in L1) fills issue slots the polynomial leaves free. The row's sum stays a pass of its own over the
     * row in L1: summed inside this loop it was as fast alone, but in the JVM of a model step C2 compiled the
     * loop with that accumulator boxed, one allocation per vector, and every constant spilled to the stack (read
     * off the machine code: W6 1.0 → 2.4 ms per 8192×128 softmax). The accumulators left here (the next row's
     * max and NaN check) compile clean in the softmax bench, W6 and W2 inference (checked the same way).
     *
     * <p>Why integers and no masks. With its rows in L1 the loop takes ~15 cycles per 16 floats, about what its
     * ~20 vector operations cost on the two 512-bit ports, so every operation counts; and JDK 17 keeps a vector
     * mask in a vector register, which makes a compare and blend four instructions. A non-negative float orders
     * like its bits read as an int, so:
     * <ul>
     *   <li>d = max − x ≥ 0 is clamped to 87.5 by one integer min (infinities and overlarge d too); then
     *       k = round(−d·log2 e) ≥ −126, and k = −126 puts the bits of 0.0 in 2^(k−1), so e^x is exactly 0
     *       below about −87, as in {@link #exp}, with no compare at all.
     *   <li>The next row's max is an integer max of the bits (right whenever the row holds a float ≥ +0.0) and
     *       an integer min of them (negative floats order in reverse, so when all are negative the min is the
     *       largest): one instruction each on the two accumulator chains, where a float compare and blend made
     *       the loop's longest chain.
     *   <li>The polynomial runs in u = d + k·ln 2 = −r, its odd coefficients negated (d needs no negation) and
     *       every coefficient doubled, which yields the 2·e^r that goes with 2^(k−1) at no cost.
     * </ul>
     * What the integers lose is NaN: a positive NaN clamps like a large d, and a negative NaN sorts past −∞. So
     * NaN is caught per row instead: the next row's elements are summed at 2^−100 (no overflow, and −∞ alone
     * stays −∞), and that sum is NaN exactly when the row holds a NaN or both infinities, rows whose softmax is
     * all NaN. The polynomial is written out here rather than shared with {@link #exp}: a helper that takes and
     * returns vectors is not reliably inlined (class comment).
     */
    static float expRowPipelined(float[] src, int s, float max, float[] dst, int d, int n, int next,
                                 float[] fin, int f, float[] finSrc, float finMul, float finAdd) {
        IntVector hi = IntVector.broadcast(I, Integer.MIN_VALUE), lo = IntVector.broadcast(I, NEG_INF_BITS);
        FloatVector nan = FloatVector.zero(S), vmax = FloatVector.broadcast(S, max);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector nx = FloatVector.fromArray(S, src, next + i);
            IntVector bits = nx.reinterpretAsInts();
            hi = hi.max(bits);
            lo = lo.min(bits);
            nan = nx.fma(nx.broadcast(0x1p-100f), nan);
            FloatVector.fromArray(S, finSrc, f + i).fma(finMul, finAdd).intoArray(fin, f + i);
            FloatVector dx = vmax.sub(FloatVector.fromArray(S, src, s + i));                  // d = max − x ≥ 0
            FloatVector dc = dx.reinterpretAsInts().min(CLAMP_BITS).reinterpretAsFloats();    // d ≤ 87.5
            FloatVector t = dc.fma(-LOG2E, ROUND);                 // k + ROUND, k = round(−d·log2 e) ≤ 0
            FloatVector k = t.sub(ROUND);
            FloatVector u = k.fma(dc.broadcast(LN2_HI), dc);       // u = d + k·ln 2 = −r, in two parts for accuracy
            u = k.fma(dc.broadcast(LN2_LO), u);
            FloatVector p = u.fma(2 * Q6, -2 * Q5);                // 2·e^−u by Horner in u (signs alternate)
            p = p.fma(u, u.broadcast(2 * Q4));
            p = p.fma(u, u.broadcast(-2 * Q3));
            p = p.fma(u, u.broadcast(2 * Q2));
            p = p.fma(u, u.broadcast(-2f));
            p = p.fma(u, u.broadcast(2f));
            // e^x = (2·e^r)·2^(k−1); k ≥ −126 (d ≤ 87.5), and k = −126 gives the bits of 0.0
            FloatVector scale2k = t.reinterpretAsInts().sub(ROUND_BITS - 126).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            p.mul(scale2k).intoArray(dst, d + i);
        }
        int hiBits = hi.reduceLanes(VectorOperators.MAX), loBits = lo.reduceLanes(VectorOperators.MIN);
        float nextMax = Float.intBitsToFloat(hiBits >= 0 ? hiBits : loBits);
        float nanSum = nan.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float nx = src[next + i];
            if (nx > nextMax) nextMax = nx;
            nanSum += nx * 0x1p-100f;
            fin[f + i] = Math.fma(finSrc[f + i], finMul, finAdd);
            float x = src[s + i] - max;
            float e = x < LO ? 0f : (float) Math.exp(x);
            dst[d + i] = e;
        }
        return Float.isNaN(nanSum) ? Float.NaN : nextMax;
    }

    /**
     * One pass of the streamed softmax ({@link VecRows#softmax}, for rows that come from memory): the
     * exponentials of the current row, {@code dst[d + i] = e^(src[s + i] − max)}, and an earlier row finished,
     * {@code fin[f + i] = finSrc[f + i]·finMul + finAdd}, as in {@link #expRowPipelined}; returned, the sum of
     * the exponentials (lanes summed by {@link #sumLanes} in {@code lanes}, then the tail). The row's max
     * was taken by a tight pass of its own, so there is no next row here, and the sum is taken in the same loop
     * instead of by a pass over the row in L1: with the rows from memory, one pass less over each row is what
     * paid (4096×1024 +20–25%, see there). NaN needs no care of its own: a NaN max (a row with a NaN) makes
     * every exponential NaN or 0, and the sum with them 0 or NaN, so the finished row is NaN either way. The
     * polynomial is written out again, for the reason given in {@link #expRowPipelined}: shared by both loops as
     * a method taking d and returning e^−d, it boxed nothing (JFR samples of the softmax bench, W2, W3 and W6)
     * but the streamed 4096×1024 softmax ran at 14 against 20 GB/s on one thread (four interleaved pairs).
     */
    static float expRowStreamed(float[] src, int s, float max, float[] dst, int d, int n,
                                float[] fin, int f, float[] finSrc, float finMul, float finAdd, float[] lanes) {
        FloatVector vmax = FloatVector.broadcast(S, max), sum = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, finSrc, f + i).fma(finMul, finAdd).intoArray(fin, f + i);
            FloatVector dx = vmax.sub(FloatVector.fromArray(S, src, s + i));                  // d = max − x ≥ 0
            FloatVector dc = dx.reinterpretAsInts().min(CLAMP_BITS).reinterpretAsFloats();    // d ≤ 87.5
            FloatVector t = dc.fma(-LOG2E, ROUND);                 // k + ROUND, k = round(−d·log2 e) ≤ 0
            FloatVector k = t.sub(ROUND);
            FloatVector u = k.fma(dc.broadcast(LN2_HI), dc);       // u = d + k·ln 2 = −r
            u = k.fma(dc.broadcast(LN2_LO), u);
            FloatVector p = u.fma(2 * Q6, -2 * Q5);                // 2·e^−u by Horner in u
            p = p.fma(u, u.broadcast(2 * Q4));
            p = p.fma(u, u.broadcast(-2 * Q3));
            p = p.fma(u, u.broadcast(2 * Q2));
            p = p.fma(u, u.broadcast(-2f));
            p = p.fma(u, u.broadcast(2f));
            FloatVector scale2k = t.reinterpretAsInts().sub(ROUND_BITS - 126).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();                        // 2^(k−1)
            FloatVector e = p.mul(scale2k);
            e.intoArray(dst, d + i);
            sum = sum.add(e);
        }
        sum.intoArray(lanes, 0);
        float total = sumLanes(lanes);
        for (; i < n; i++) {
            fin[f + i] = Math.fma(finSrc[f + i], finMul, finAdd);
            float x = src[s + i] - max;
            float e = x < LO ? 0f : (float) Math.exp(x);
            dst[d + i] = e;
            total += e;
        }
        return total;
    }

    /**
     * The sum of a vector's lanes, stored by the caller in {@code lanes} (L floats; overwritten for widths other
     * than 4, 8 and 16 lanes), in one fixed order: halve the lanes, adding lane i + h to lane i, until one is left
     * (a butterfly of lane-wise adds).
     *
     * <p>Why not {@code reduceLanes(ADD)}: its order is unspecified, and in practice the interpreter (lanes in
     * sequence) and the C2 intrinsic (a tree) round differently. A training step would then give bits that
     * depend on how warm the JIT is, and a resumed run would not equal an uninterrupted one. Why an array and
     * not the vector: a loop's accumulator passed to a call that C2 leaves out of line is boxed in every
     * iteration of the loop (JDK 17 boxes the loop's phi), not once. Why scalars: C2 sees through a vector
     * stored into an array and loaded back, so adding the lanes with shuffles of the reloaded vector boxed
     * LayerNorm's accumulator again (JFR allocation samples of the W2 step). Why written out: the loop over the
     * array wrote each level back and read it again, a chain of stores and loads; with the lanes read once into
     * registers LayerNorm (two sums per row) ran 15–25% faster at 4096×768 and 20–25% with its rows in L2, on
     * the EPYC of benchmarks/RESULTS.md.
     */
    static float sumLanes(float[] lanes) {
        float[] l = lanes;
        return switch (L) { // the butterfly written out: its additions, in its order, with the lanes in registers
            case 4 -> (l[0] + l[2]) + (l[1] + l[3]);
            case 8 -> ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
            case 16 -> (((l[0] + l[8]) + (l[4] + l[12])) + ((l[2] + l[10]) + (l[6] + l[14])))
                    + (((l[1] + l[9]) + (l[5] + l[13])) + ((l[3] + l[11]) + (l[7] + l[15])));
            default -> {
                for (int h = L / 2; h >= 1; h /= 2) {
                    for (int i = 0; i < h; i++) l[i] += l[i + h];
                }
                yield l[0];
            }
        };
    }
}
