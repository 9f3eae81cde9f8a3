package dev.jgrad.nn.init;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;

/**
 * Weight initialisation, after {@code torch.nn.init}. Every function fills its tensor in place (hence the
 * trailing {@code _}), draws from the given seeded {@link Generator} in row-major order, and works on
 * parameters that require grad (the write happens under {@link GradMode#noGrad()}). Each returns its tensor.
 *
 * <p>Fans follow PyTorch: for a weight of shape [out, in, k...], fanIn = in·Πk and fanOut = out·Πk.
 */
public final class Init {
    private Init() {}

    /** Which fan kaiming init preserves: the forward pass's variance (FAN_IN) or the backward pass's (FAN_OUT). */
    public enum FanMode { FAN_IN, FAN_OUT }

    private static Tensor write(Tensor t, Tensor values) {
        try (var scope = GradMode.noGrad()) {
            return t.copy_(values);
        }
    }

    /** [fanIn, fanOut] of a weight of at least 2 dims. */
    public static int[] fans(Tensor t) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("fan in and fan out need a tensor of at least 2 dims, got shape "
                    + java.util.Arrays.toString(t.shape()));
        }
        int receptive = 1;
        for (int d = 2; d < t.dim(); d++) receptive *= t.size(d);
        return new int[] {t.size(1) * receptive, t.size(0) * receptive};
    }

    /**
     * PyTorch's {@code calculate_gain}: linear, conv*, sigmoid → 1; tanh → 5/3; relu → √2;
     * leaky_relu → √(2/(1+slope²)); selu → 3/4.
     */
    public static double gain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 0.75;
            default -> throw new IllegalArgumentException("unknown nonlinearity '" + nonlinearity + "'");
        };
    }

    public static Tensor zeros_(Tensor t) { return constant_(t, 0f); }
    public static Tensor ones_(Tensor t) { return constant_(t, 1f); }

    public static Tensor constant_(Tensor t, float value) {
        try (var scope = GradMode.noGrad()) {
            return t.fill_(value);
        }
    }

    /** Uniform in [a, b). */
    public static Tensor uniform_(Tensor t, double a, double b, Generator gen) {
        return write(t, Tensor.uniform(a, b, gen, t.shape()));
    }

    /** Normal(mean, std). */
    public static Tensor normal_(Tensor t, double mean, double std, Generator gen) {
        return write(t, Tensor.normal(mean, std, gen, t.shape()));
    }

    /** Normal(0, std): the BERT/GPT-2 {@code initializer_range} init. */
    public static Tensor normal_(Tensor t, double std, Generator gen) {
        return normal_(t, 0, std, gen);
    }

    /**
     * Normal(mean, std) truncated to [a, b] (absolute bounds, as in PyTorch; defaults there are ±2), drawn by
     * inverting the normal CDF on a uniform in [Φ(α), Φ(β)] so it never loops, however narrow the interval.
     */
    public static Tensor truncNormal_(Tensor t, double mean, double std, double a, double b, Generator gen) {
        if (!(b > a) || !(std > 0)) throw new IllegalArgumentException("truncNormal_: need a < b and std > 0, got a=" + a + " b=" + b + " std=" + std);
        double lo = Gaussian.cdf((a - mean) / std), hi = Gaussian.cdf((b - mean) / std);
        float[] v = new float[t.numel()];
        for (int i = 0; i < v.length; i++) {
            double u = lo + (hi - lo) * gen.nextDouble();
            double x = mean + std * Gaussian.inverseCdf(Math.min(Math.max(u, 1e-300), 1 - 1e-16));
            v[i] = (float) Math.min(Math.max(x, a), b);
        }
        return write(t, Tensor.fromArray(v, t.shape()));
    }

    /** Glorot uniform: U(−g·√(6/(fanIn+fanOut)), +…). */
    public static Tensor xavierUniform_(Tensor t, double gain, Generator gen) {
        int[] f = fans(t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform_(t, -bound, bound, gen);
    }

    /** Glorot normal: N(0, g²·2/(fanIn+fanOut)). */
    public static Tensor xavierNormal_(Tensor t, double gain, Generator gen) {
        int[] f = fans(t);
        return normal_(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), gen);
    }

    private static double kaimingStd(Tensor t, double a, FanMode mode, String nonlinearity) {
        int[] f = fans(t);
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        return gain(nonlinearity, a) / Math.sqrt(fan);
    }

    /** He uniform: U(−bound, bound) with bound = gain(nonlinearity, a)·√(3/fan). */
    public static Tensor kaimingUniform_(Tensor t, double a, FanMode mode, String nonlinearity, Generator gen) {
        double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
        return uniform_(t, -bound, bound, gen);
    }

    /** He normal: N(0, gain²/fan). */
    public static Tensor kaimingNormal_(Tensor t, double a, FanMode mode, String nonlinearity, Generator gen) {
        return normal_(t, 0, kaimingStd(t, a, mode, nonlinearity), gen);
    }

    /**
     * PyTorch's {@code nn.Linear.reset_parameters}: weight [out, in] from kaiming uniform with a = √5
     * (which works out to U(±1/√in)), bias [out] from U(±1/√in). Bias may be null.
     */
    public static void linearDefault_(Tensor weight, Tensor bias, Generator gen) {
        kaimingUniform_(weight, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", gen);
        if (bias != null) {
            int fanIn = fans(weight)[0];
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform_(bias, -bound, bound, gen);
        }
    }

    /** PyTorch's {@code nn.Embedding.reset_parameters}: N(0, 1), with row {@code paddingIdx} (if ≥ 0) zeroed. */
    public static void embeddingDefault_(Tensor weight, int paddingIdx, Generator gen) {
        normal_(weight, 0, 1, gen);
        if (paddingIdx >= 0) {
            try (var scope = GradMode.noGrad()) {
                weight.select(0, paddingIdx).fill_(0f);
            }
        }
    }
}
