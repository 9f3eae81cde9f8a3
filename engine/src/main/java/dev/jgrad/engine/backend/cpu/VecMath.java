package dev.jgrad.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Transcendental functions on vectors, written with FMAs and bit tricks only. JDK 17's
 * {@code lanewise(EXP)} is not reliably intrinsified (profiles showed scalar-speed softmax and GELU), while
 * these compile to straight-line SIMD code.
 */
final class VecMath {
    private VecMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float to an integer, which then sits in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    /**
     * e^x, within 2 ulp of {@link Math#exp} (Cephes' expf: x = k·ln 2 + r with |r| ≤ ln2/2, e^r by a degree-6
     * polynomial, 2^k assembled in the exponent bits). Underflows to 0 below −87.3, overflows to +∞ above
     * 88.7, and keeps NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87.33654f).min(88.72283f);
        FloatVector t = xc.fma(LOG2E, ROUND);               // k + ROUND, k = round(x·log2 e)
        FloatVector k = t.sub(ROUND);
        FloatVector r = k.fma(xc.broadcast(-LN2_HI), xc);               // r = x − k·ln 2, in two parts for accuracy
        r = k.fma(xc.broadcast(-LN2_LO), r);
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.fma(r, r.broadcast(8.3334519073e-3f));
        p = p.fma(r, r.broadcast(4.1665795894e-2f));
        p = p.fma(r, r.broadcast(1.6666665459e-1f));
        p = p.fma(r, r.broadcast(5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);                      // 1 + r + r²·P(r)
        IntVector ki = t.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector scale = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector e = p.mul(scale);
        VectorMask<Float> under = x.compare(VectorOperators.LT, -87.33654f), over = x.compare(VectorOperators.GT, 88.72283f);
        e = e.blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
        return e.blend(x, x.compare(VectorOperators.NE, x));  // NaN in, NaN out
    }

    /** For lane i, lane i XOR step, for step = L/2, L/4, ..., 1: the butterfly of {@link #sumLanes}. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] BUTTERFLY = butterfly();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] butterfly() {
        int lanes = VectorBackend.SPECIES.length();
        int steps = Integer.numberOfTrailingZeros(lanes);
        VectorShuffle<Float>[] shuffles = new VectorShuffle[steps];
        for (int k = 0, step = lanes / 2; step >= 1; k++, step /= 2) {
            final int st = step;
            shuffles[k] = VectorShuffle.fromOp(VectorBackend.SPECIES, i -> i ^ st);
        }
        return shuffles;
    }

    /**
     * The sum of a vector's lanes in one fixed order (a butterfly of lane-wise adds).
     *
     * <p>Why not {@code reduceLanes(ADD)}: its order is unspecified, and in practice the interpreter (lanes in
     * sequence) and the C2 intrinsic (a tree) round differently. A training step would then give bits that
     * depend on how warm the JIT is, and a resumed run would not equal an uninterrupted one.
     */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> s : BUTTERFLY) v = v.add(v.rearrange(s));
        return v.lane(0);
    }
}
