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
            case EXP -> (x, xo, out, oo, n) -> { VecMath.exp(x, xo, 1f, 0f, out, oo, n); return n; };
            case LOG -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.LOG).intoArray(out, oo + i); return i; };
            case SQRT -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(out, oo + i); return i; };
            case RSQRT -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) rsqrt(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case ABS -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).abs().intoArray(out, oo + i); return i; };
            case TANH -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case SIGMOID -> (x, xo, out, oo, n) -> sigmoid(SigmoidOp.SIGMOID, x, xo, out, oo, n);
            case RELU -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(out, oo + i); return i; };
            case RELU_GRAD -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) reluGrad(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case GELU_ERF -> (x, xo, out, oo, n) -> geluErf(x, xo, out, oo, n);
            case GELU_ERF_GRAD -> (x, xo, out, oo, n) -> geluErfGrad(x, xo, out, oo, n);
            case GELU_TANH -> (x, xo, out, oo, n) -> { int i = 0; for (; i <= n - L; i += L) geluTanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i); return i; };
            case SILU -> (x, xo, out, oo, n) -> sigmoid(SigmoidOp.SILU, x, xo, out, oo, n);
            case SILU_GRAD -> (x, xo, out, oo, n) -> sigmoid(SigmoidOp.SILU_GRAD, x, xo, out, oo, n);
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

    private static FloatVector tanh(FloatVector x) {
        return x.lanewise(VectorOperators.TANH);
    }

    private static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(x).mul((float) ScalarMath.GELU_C).add(x).mul((float) ScalarMath.SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(tanh(inner).add(1f));
    }

    /*
     * The ops built around an exp run as three passes over chunks of their run: the terms before the exp, the
     * array exp (its own compiled method, see VecMath), the terms after it. Why passes rather than one loop that
     * calls an exp on vectors: see VecMath. A chunk and its two scratch rows sit in L1, so the extra loads and
     * stores cost little next to the polynomials (and the chunk is small enough to let memory overlap compute,
     * see CHUNK). Each works in place (x == out): the last pass reads each x
     * before it writes the same element. Each returns how many elements it did (whole vectors); the caller runs
     * the tail. The three chunk loops are written out on purpose: one shared loop that took the passes as a
     * lambda let C2 inline GELU's passes into it, where they boxed their vectors again (+50 MB per W2 step).
     */

    /**
     * Elements per chunk: 128, eight cache lines of x. Small on purpose: the hardware prefetcher runs only some
     * lines ahead of the loads it has seen, so while one chunk computes (the exp pass reads no x) the next
     * chunk's x must already be on its way; with 512 the passes waited for memory and then computed, one after
     * the other. GELU on 16M floats, one thread: 5.1 GB/s at 512, 6.3 at 64, 6.9 at 128 (96 and 160: 6.3).
     */
    private static final int CHUNK = 128;
    /** s[0, CHUNK): a term kept for the last pass; s[CHUNK, 2·CHUNK): the exponent, then its exp. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[2 * CHUNK]);

    enum SigmoidOp { SIGMOID, SILU, SILU_GRAD }

    static int sigmoid(SigmoidOp op, float[] x, int xo, float[] out, int oo, int n) {
        float[] s = SCRATCH.get();
        int full = n - n % L;
        for (int c = 0; c < full; c += CHUNK) {
            int m = Math.min(CHUNK, full - c);
            VecMath.exp(x, xo + c, -1f, 0f, s, CHUNK, m); // e^−x
            sigmoidFinish(op, x, xo + c, s, out, oo + c, m);
        }
        return full;
    }

    static int geluErf(float[] x, int xo, float[] out, int oo, int n) {
        float[] s = SCRATCH.get();
        int full = n - n % L;
        for (int c = 0; c < full; c += CHUNK) {
            int m = Math.min(CHUNK, full - c);
            erfcTerms(x, xo + c, s, m);
            VecMath.exp(s, CHUNK, 1f, 0f, s, CHUNK, m);
            geluErfFinish(x, xo + c, s, out, oo + c, m);
        }
        return full;
    }

    static int geluErfGrad(float[] x, int xo, float[] out, int oo, int n) {
        float[] s = SCRATCH.get();
        int full = n - n % L;
        for (int c = 0; c < full; c += CHUNK) {
            int m = Math.min(CHUNK, full - c);
            squares(x, xo + c, s, m);
            VecMath.exp(s, CHUNK, -0.5f, 0f, s, CHUNK, m); // e^(−x²/2)
            geluErfGradFinish(x, xo + c, s, out, oo + c, m);
        }
        return full;
    }

    /** From e = e^−x in s[CHUNK..]: σ = 1/(1 + e); SILU x·σ; SILU's derivative σ·(1 + x·(1 − σ)). */
    private static void sigmoidFinish(SigmoidOp op, float[] x, int xo, float[] s, float[] out, int oo, int m) {
        for (int i = 0; i < m; i += L) {
            FloatVector e = FloatVector.fromArray(S, s, CHUNK + i);
            FloatVector sig = e.broadcast(1f).div(e.add(1f));
            if (op == SigmoidOp.SIGMOID) {
                sig.intoArray(out, oo + i);
                continue;
            }
            FloatVector xv = FloatVector.fromArray(S, x, xo + i);
            if (op == SigmoidOp.SILU) xv.mul(sig).intoArray(out, oo + i); // (a store per branch: no vector flows through a merge)
            else sig.mul(xv.mul(sig.neg().add(1f)).add(1f)).intoArray(out, oo + i);
        }
    }

    /**
     * GELU(x) = x·Φ(x) = (x/2)·erfc(−x/√2), with erfc from the Numerical Recipes Chebyshev fit (relative error
     * below 1.2e-7 everywhere, which keeps GELU accurate in its far negative tail where 1 + erf is tiny):
     * erfc(|z|) = t·exp(P(t) − z²), t = 1/(1 + |z|/2). This pass stores t and the exponent P(t) − z².
     */
    private static void erfcTerms(float[] x, int xo, float[] s, int m) {
        for (int i = 0; i < m; i += L) {
            FloatVector az = FloatVector.fromArray(S, x, xo + i).mul((float) (1 / ScalarMath.SQRT_2)).abs();
            FloatVector t = az.broadcast(1f).div(az.mul(0.5f).add(1f));
            FloatVector poly = t.mul(0.17087277f).add(-0.82215223f);
            poly = poly.fma(t, t.broadcast(1.48851587f));
            poly = poly.fma(t, t.broadcast(-1.13520398f));
            poly = poly.fma(t, t.broadcast(0.27886807f));
            poly = poly.fma(t, t.broadcast(-0.18628806f));
            poly = poly.fma(t, t.broadcast(0.09678418f));
            poly = poly.fma(t, t.broadcast(0.37409196f));
            poly = poly.fma(t, t.broadcast(1.00002368f));
            poly = poly.fma(t, t.broadcast(-1.26551223f));
            t.intoArray(s, i);
            poly.sub(az.mul(az)).intoArray(s, CHUNK + i);
        }
    }

    /** out = (x/2)·erfc(−z): erfc(|z|) = t·e when z &lt; 0, else 2 − erfc(|z|). */
    private static void geluErfFinish(float[] x, int xo, float[] s, float[] out, int oo, int m) {
        for (int i = 0; i < m; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + i);
            FloatVector erfcAbs = FloatVector.fromArray(S, s, i).mul(FloatVector.fromArray(S, s, CHUNK + i));
            FloatVector erfcNeg = erfcAbs.neg().add(2f).blend(erfcAbs, xv.compare(VectorOperators.LT, 0f));
            xv.mul(0.5f).mul(erfcNeg).intoArray(out, oo + i);
        }
    }

    private static void squares(float[] x, int xo, float[] s, int m) {
        for (int i = 0; i < m; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + i);
            xv.mul(xv).intoArray(s, CHUNK + i);
        }
    }

    /**
     * GELU'(x) = Φ(x) + x·φ(x) with a single exp: e = e^(−x²/2) is φ's exponential and also the factor of
     * Abramowitz &amp; Stegun's erfc fit (7.1.26, absolute error below 1.5e-7, ample for a derivative).
     */
    private static void geluErfGradFinish(float[] x, int xo, float[] s, float[] out, int oo, int m) {
        for (int i = 0; i < m; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + i), e = FloatVector.fromArray(S, s, CHUNK + i);
            FloatVector az = xv.abs().mul((float) (1 / ScalarMath.SQRT_2));
            FloatVector t = xv.broadcast(1f).div(az.fma(0.3275911f, 1f));
            FloatVector poly = t.mul(1.061405429f).add(-1.453152027f);
            poly = poly.fma(t, t.broadcast(1.421413741f));
            poly = poly.fma(t, t.broadcast(-0.284496736f));
            poly = poly.fma(t, t.broadcast(0.254829592f));
            FloatVector halfErfc = t.mul(poly).mul(e).mul(0.5f); // erfc(|x|/√2)/2 = Φ(−|x|)
            FloatVector cdf = halfErfc.neg().add(1f).blend(halfErfc, xv.compare(VectorOperators.LT, 0f));
            xv.mul(e).fma(xv.broadcast((float) ScalarMath.INV_SQRT_2PI), cdf).intoArray(out, oo + i);
        }
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
