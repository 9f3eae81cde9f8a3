package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.UnaryOp;

/**
 * The definition of every elementwise function, one float at a time, computed in double and rounded once.
 * The scalar backend is made of these; the vector backend uses them for its tails and must agree with them.
 */
public final class ScalarMath {
    private ScalarMath() {}

    static final double SQRT_2 = Math.sqrt(2.0);
    static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    static final double GELU_C = 0.044715;

    /** op(x) with parameters a, b (see {@link UnaryOp}). */
    public static float unary(UnaryOp op, float xf, float a, float b) {
        double x = xf;
        return (float) switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> Math.max(x, 0.0); // NaN stays NaN, as in PyTorch
            case RELU_GRAD -> x > 0 ? 1.0 : 0.0;
            case GELU_ERF -> 0.5 * x * (1.0 + erf(x / SQRT_2));
            case GELU_ERF_GRAD -> 0.5 * (1.0 + erf(x / SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
            case GELU_TANH_GRAD -> {
                double t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x));
                yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_C * x * x);
            }
            case SILU -> x * sigmoid(x);
            case SILU_GRAD -> {
                double s = sigmoid(x);
                yield s * (1.0 + x * (1.0 - s));
            }
            case POW -> Math.pow(x, a);
            case AFFINE -> (double) a * x + b;
            case CLAMP -> Math.min(Math.max(x, a), b);
            case CLAMP_GRAD -> (x >= a && x <= b) ? 1.0 : 0.0;
        };
    }

    /** op(x, y) (see {@link BinaryOp}). */
    public static float binary(BinaryOp op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> (float) Math.pow(x, y);
            case MAXIMUM -> Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.max(x, y);
            case MINIMUM -> Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.min(x, y);
        };
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    /**
     * The error function, to about 1e-16 relative error: a Taylor series near zero and a continued fraction
     * for erfc in the tails. Java has no {@code Math.erf}.
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 60; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            double r = 2.0 / Math.sqrt(Math.PI) * sum;
            return x < 0 ? -r : r;
        }
        if (ax > 6.0) return x < 0 ? -1.0 : 1.0;
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated bottom-up.
        double f = ax;
        for (int n = 60; n >= 1; n--) f = ax + (n / 2.0) / f;
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return x < 0 ? erfc - 1.0 : 1.0 - erfc;
    }
}
