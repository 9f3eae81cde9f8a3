package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.cpu.KeyedMask;

/** Inverted dropout: zero each element with probability p and scale the rest by 1/(1−p), so eval needs nothing. */
public final class Dropout {
    private Dropout() {}

    /**
     * x unchanged when not training or p = 0; otherwise x·mask/(1−p) with the mask drawn from {@code gen}.
     *
     * <p>On the host this is one fused pass, and the mask is never stored: it comes from a counter-based stream
     * keyed by one draw from {@code gen} ({@link KeyedMask}), so backward regenerates it from the key.
     * The composed form (a mask tensor, then x·mask, whose backward multiplies by the saved mask) allocated two
     * extra tensors of x's size per dropout: 16% of a W2 step's allocation. Both forms give the same bits; on
     * other devices the composed form runs.
     */
    public static Tensor dropout(Tensor x, float p, boolean training, Generator gen) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        if (!training || p == 0f) return x;
        if (p == 1f) return x.mul(0f);
        float scale = 1f / (1f - p);
        if (!x.device().equals(Device.CPU)) return x.mul(Creation.bernoulli(1.0 - p, scale, gen, x.shape()).to(x.device()));
        Support.requireFloat("dropout", x);
        long key = gen.nextLong(), threshold = Creation.keepThreshold(1.0 - p);
        Backend be = Support.backend("dropout", x);
        int n = x.numel();
        Tensor xc = Views.copyDetachedIfNeeded(x.detach());
        Tensor out = Support.empty(be, DType.FLOAT32, x.shape());
        KeyedMask.fill(key, threshold, scale, xc.storage().floats(), xc.offset(), out.storage().floats(), n);
        return Autograd.record("NativeDropoutBackward0", out, new Tensor[] {x}, g -> {
            Tensor dy = Views.copyDetachedIfNeeded(g);
            // in place into dy when it is ours: a fresh copy, or g itself when nothing else holds it (the mask
            // pass reads each element before writing it)
            Tensor dx = dy != g || Autograd.mayOverwrite(g) ? dy : Support.empty(be, DType.FLOAT32, dy.shape());
            KeyedMask.fill(key, threshold, scale, dy.storage().floats(), dy.offset(), dx.storage().floats(), n);
            return new Tensor[] {dx};
        });
    }
}
