package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels. {@link StridedLoop} turns any layout into runs; a run whose operands have stride 1
 * (or 0, a broadcast scalar) goes through SIMD lanes, anything else through {@link ScalarMath}.
 */
final class VecElementwise {
    private VecElementwise() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();

    static void unary(UnaryOp op, float a, float b, float[] x, Layout xl, float[] out) {
        StridedLoop loop = new StridedLoop(xl, Layout.contiguous(xl.shape()));
        int sx = loop.innerStride(0);
        Run simd = sx == 1 ? kernel(op, a, b) : null;
        Parallel.forRange(loop.size(), VectorBackend.GRAIN, (lo, hi) -> loop.forEach(lo, hi, (off, n) -> {
            int i = simd == null ? 0 : simd.run(x, off[0], out, off[1], n);
            for (; i < n; i++) out[off[1] + i] = ScalarMath.unary(op, x[off[0] + i * sx], a, b);
        }));
    }

    /** A SIMD loop over one contiguous run; returns how many elements it did (the rest is the scalar tail). */
    @FunctionalInterface
    interface Run {
        int run(float[] x, int xo, float[] out, int oo, int n);
    }

    /**
     * The SIMD loop of each op, or null for ops without one (POW, SIGN, the rarer derivatives run scalar).
     *
     * <p>Why one lambda per op rather than one loop with a switch inside: C2 compiles each lambda on its own,
     * inlining only that op's formula. A single loop that dispatched on the op inlined every formula into one
     * method, ran out of its inlining budget on the long ones (GELU's backward, two exps), and then boxed each
     * vector into a heap object per call: 3–20× slower, depending on which ops ran first.
     */
    static Run kernel(UnaryOp op, float a, float b) {
        return switch (op) {
            case NEG -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).neg().intoArray(out, oo + i); return i; };
            case EXP -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) VecMath.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case LOG -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.LOG).intoArray(out, oo + i); return i; };
            case SQRT -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(out, oo + i); return i; };
            case RSQRT -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) rsqrt(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case ABS -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).abs().intoArray(out, oo + i); return i; };
            case TANH -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case SIGMOID -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case RELU -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(out, oo + i); return i; };
            case RELU_GRAD -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) reluGrad(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case GELU_ERF -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) geluErf(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case GELU_ERF_GRAD -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) geluErfGrad(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case GELU_TANH -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) geluTanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case SILU -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) silu(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case SILU_GRAD -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) siluGrad(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case AFFINE -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).fma(a, b).intoArray(out, oo + i); return i; };
            case CLAMP -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).max(a).min(b).intoArray(out, oo + i); return i; };
            default -> null;
        };
    }

    private static FloatVector rsqrt(FloatVector x) {
        return x.broadcast(1f).div(x.sqrt());
    }

    private static FloatVector reluGrad(FloatVector x) {
        return x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f));
    }

    private static FloatVector silu(FloatVector x) {
        return x.mul(sigmoid(x));
    }

    private static FloatVector tanh(FloatVector x) {
        return x.lanewise(VectorOperators.TANH);
    }

    private static FloatVector geluErf(FloatVector x) {
        return x.mul(0.5f).mul(erfcNeg(x.mul((float) (1 / ScalarMath.SQRT_2))));
    }

    /**
     * Φ(x) + x·φ(x) with a single exp: e = exp(−x²/2) is φ's exponential and also the factor of Abramowitz &amp;
     * Stegun's erfc fit (7.1.26, absolute error below 1.5e-7, ample for a derivative). With two exps (one
     * inside {@link #erfcNeg}) the kernel outgrew C2's inlining budget and ran on boxed vectors, 6% of a W2 step.
     */
    private static FloatVector geluErfGrad(FloatVector x) {
        FloatVector e = VecMath.exp(x.mul(x).mul(-0.5f));
        FloatVector az = x.abs().mul((float) (1 / ScalarMath.SQRT_2));
        FloatVector t = x.broadcast(1f).div(az.fma(0.3275911f, 1f));
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f);
        poly = poly.fma(t, t.broadcast(1.421413741f));
        poly = poly.fma(t, t.broadcast(-0.284496736f));
        poly = poly.fma(t, t.broadcast(0.254829592f));
        FloatVector halfErfc = t.mul(poly).mul(e).mul(0.5f); // erfc(|x|/√2)/2 = Φ(−|x|)
        FloatVector cdf = halfErfc.neg().add(1f).blend(halfErfc, x.compare(VectorOperators.LT, 0f));
        return x.mul(e).fma(x.broadcast((float) ScalarMath.INV_SQRT_2PI), cdf);
    }

    private static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(x).mul((float) ScalarMath.GELU_C).add(x).mul((float) ScalarMath.SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(tanh(inner).add(1f));
    }

    private static FloatVector siluGrad(FloatVector x) {
        FloatVector s = sigmoid(x);
        return s.mul(x.mul(s.neg().add(1f)).add(1f));
    }

    private static FloatVector sigmoid(FloatVector x) {
        FloatVector onePlusE = VecMath.exp(x.neg()).add(1f);
        return x.broadcast(1f).div(onePlusE);
    }

    /**
     * 1 + erf(z) = erfc(−z), from the Numerical Recipes Chebyshev fit of erfc (relative error below 1.2e-7
     * everywhere), which keeps GELU accurate in its far negative tail where 1 + erf(z) is tiny.
     */
    static FloatVector erfcNeg(FloatVector z) {
        FloatVector az = z.abs();
        FloatVector t = z.broadcast(1f).div(az.mul(0.5f).add(1f));
        FloatVector poly = t.mul(0.17087277f).add(-0.82215223f);
        poly = poly.fma(t, t.broadcast(1.48851587f));
        poly = poly.fma(t, t.broadcast(-1.13520398f));
        poly = poly.fma(t, t.broadcast(0.27886807f));
        poly = poly.fma(t, t.broadcast(-0.18628806f));
        poly = poly.fma(t, t.broadcast(0.09678418f));
        poly = poly.fma(t, t.broadcast(0.37409196f));
        poly = poly.fma(t, t.broadcast(1.00002368f));
        poly = poly.fma(t, t.broadcast(-1.26551223f));
        FloatVector erfcAbs = t.mul(VecMath.exp(poly.sub(az.mul(az)))); // erfc(|z|)
        VectorMask<Float> negative = z.compare(VectorOperators.LT, 0f);
        // erfc(−z) = erfc(|z|) when z < 0, else 2 − erfc(z)
        return erfcAbs.neg().add(2f).blend(erfcAbs, negative);
    }

    static void binary(BinaryOp op, float[] a, Layout al, float[] b, Layout bl, float[] out) {
        StridedLoop loop = new StridedLoop(al, bl, Layout.contiguous(al.shape()));
        int sa = loop.innerStride(0), sb = loop.innerStride(1);
        boolean simdStrides = (sa == 1 || sa == 0) && (sb == 1 || sb == 0) && (sa | sb) != 0;
        BinaryRun simd = simdStrides ? binaryKernel(op) : null;
        Parallel.forRange(loop.size(), VectorBackend.GRAIN, (lo, hi) -> loop.forEach(lo, hi, (off, n) -> {
            int i = simd == null ? 0 : simd.run(a, off[0], sa == 1, b, off[1], sb == 1, out, off[2], n);
            for (; i < n; i++) out[off[2] + i] = ScalarMath.binary(op, a[off[0] + i * sa], b[off[1] + i * sb]);
        }));
    }

    /**
     * A SIMD loop over one run of a binary op; an operand that is not a vector ({@code aVec} false) is one
     * broadcast value. Returns how many elements it did.
     */
    @FunctionalInterface
    interface BinaryRun {
        int run(float[] a, int ao, boolean aVec, float[] b, int bo, boolean bVec, float[] out, int oo, int n);
    }

    /** One lambda per op, for the reason given on {@link #kernel}; null for POW (scalar). */
    static BinaryRun binaryKernel(BinaryOp op) {
        return switch (op) {
            case ADD -> (a, ao, av, b, bo, bv, out, oo, n) -> {
                int i = 0;
                for (; i <= n - L; i += L) load(a, ao, i, av).add(load(b, bo, i, bv)).intoArray(out, oo + i);
                return i;
            };
            case SUB -> (a, ao, av, b, bo, bv, out, oo, n) -> {
                int i = 0;
                for (; i <= n - L; i += L) load(a, ao, i, av).sub(load(b, bo, i, bv)).intoArray(out, oo + i);
                return i;
            };
            case MUL -> (a, ao, av, b, bo, bv, out, oo, n) -> {
                int i = 0;
                for (; i <= n - L; i += L) load(a, ao, i, av).mul(load(b, bo, i, bv)).intoArray(out, oo + i);
                return i;
            };
            case DIV -> (a, ao, av, b, bo, bv, out, oo, n) -> {
                int i = 0;
                for (; i <= n - L; i += L) load(a, ao, i, av).div(load(b, bo, i, bv)).intoArray(out, oo + i);
                return i;
            };
            case MAXIMUM -> (a, ao, av, b, bo, bv, out, oo, n) -> {
                int i = 0;
                for (; i <= n - L; i += L) load(a, ao, i, av).max(load(b, bo, i, bv)).intoArray(out, oo + i);
                return i;
            };
            case MINIMUM -> (a, ao, av, b, bo, bv, out, oo, n) -> {
                int i = 0;
                for (; i <= n - L; i += L) load(a, ao, i, av).min(load(b, bo, i, bv)).intoArray(out, oo + i);
                return i;
            };
            case POW -> null;
        };
    }

    /** Lanes i.. of x from off, or x[off] in every lane when x is broadcast along the run. */
    private static FloatVector load(float[] x, int off, int i, boolean vector) {
        return vector ? FloatVector.fromArray(S, x, off + i) : FloatVector.broadcast(S, x[off]);
    }
}
