package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.ProfilingBackend;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout's keep-mask as a counter-based random stream, filled on the host in parallel.
 *
 * <p>Element pair j takes r = SplitMix64(key + j·φ) ({@link Generator#splitMix}); element 2j keeps when the low
 * 32 bits of r, read as an unsigned integer, are below {@code keepBelow}, and element 2j + 1 when the high 32
 * bits are. Nothing depends on any other element, so the pool's threads fill disjoint ranges, the mask does not
 * depend on the thread count, and the same key gives the same mask again: dropout's backward regenerates it
 * instead of storing it.
 *
 * <p>{@link #fillScalar} is the reference. The SIMD path hashes L/2 pairs at once in 64-bit lanes and reads the
 * result as L 32-bit lanes, which puts the low half of pair j in lane 2j (the Vector API reinterprets in
 * little-endian lane order): the same mapping as the reference. It runs when the vector backend is the CPU
 * backend ({@code -Djgrad.vector=false} runs the reference).
 */
public final class KeyedMask {
    private KeyedMask() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final int PAIRS = LS.length(); // pairs per vector: L/2
    private static final long PHI = 0x9E3779B97F4A7C15L;

    /**
     * dst[i] = m_i, or src[so + i]·m_i when src is not null, for i in [0, n), with m_i = {@code value} for a
     * kept element and 0 otherwise; an element is kept with probability keepBelow / 2³² (keepBelow ≤ 2³²).
     */
    public static void fill(long key, long keepBelow, float value, float[] src, int so, float[] dst, int n) {
        boolean simd = ProfilingBackend.unwrap(Backends.cpu()) instanceof VectorBackend;
        Parallel.forRange((n + 1) / 2, 1 << 14, (lo, hi) -> {
            long j = simd ? fillVector(key, keepBelow, value, src, so, dst, n, lo, hi) : lo;
            fillScalar(key, keepBelow, value, src, so, dst, n, j, hi);
        });
    }

    /** The reference: pairs [lo, hi). */
    static void fillScalar(long key, long keepBelow, float value, float[] src, int so, float[] dst, int n, long lo, long hi) {
        for (long j = lo; j < hi; j++) {
            long r = Generator.splitMix(key + j * PHI);
            int i = (int) (2 * j);
            float m0 = (r & 0xFFFFFFFFL) < keepBelow ? value : 0f;
            dst[i] = src == null ? m0 : src[so + i] * m0;
            if (i + 1 < n) {
                float m1 = (r >>> 32) < keepBelow ? value : 0f;
                dst[i + 1] = src == null ? m1 : src[so + i + 1] * m1;
            }
        }
    }

    /** Whole vectors of pairs from lo while they stay below hi and inside n; returns the first pair not done. */
    private static long fillVector(long key, long keepBelow, float value, float[] src, int so, float[] dst, int n, long lo, long hi) {
        if (keepBelow > 0xFFFFFFFFL) return lo; // keep everything: the scalar path compares exactly
        // unsigned u < keepBelow  ⇔  signed (u ^ MIN) < (keepBelow ^ MIN), for keepBelow < 2³²
        int bound = (int) keepBelow ^ Integer.MIN_VALUE;
        LongVector lanes = LongVector.zero(LS).addIndex(1);
        long j = lo;
        for (; j + PAIRS <= hi && 2 * (j + PAIRS) <= n; j += PAIRS) {
            LongVector z = lanes.add(j).mul(PHI).add(key);          // key + (j + lane)·φ
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            IntVector u = z.reinterpretAsInts();                     // lane 2p: low half of pair p; 2p + 1: high
            VectorMask<Integer> keep = u.lanewise(VectorOperators.XOR, Integer.MIN_VALUE).compare(VectorOperators.LT, bound);
            FloatVector m = FloatVector.zero(S).blend(value, keep.cast(S));
            int i = (int) (2 * j);
            if (src == null) m.intoArray(dst, i);
            else FloatVector.fromArray(S, src, so + i).mul(m).intoArray(dst, i);
        }
        return j;
    }
}
