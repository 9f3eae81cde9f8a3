package dev.jgrad.engine.ops;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;

/** Inverted dropout: zero each element with probability p and scale the rest by 1/(1−p), so eval needs nothing. */
public final class Dropout {
    private Dropout() {}

    /** x unchanged when not training or p = 0; otherwise x·mask/(1−p) with the mask drawn from {@code gen}. */
    public static Tensor dropout(Tensor x, float p, boolean training, Generator gen) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        if (!training || p == 0f) return x;
        if (p == 1f) return x.mul(0f);
        return x.mul(Creation.bernoulli(1.0 - p, 1f / (1f - p), gen, x.shape()).to(x.device()));
    }
}
