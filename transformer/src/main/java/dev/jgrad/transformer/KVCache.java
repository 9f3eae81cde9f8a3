package dev.jgrad.transformer;

import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;

/**
 * Keys and values of the tokens seen so far, for one attention layer, so incremental decoding computes
 * each new token's projections once instead of re-running the whole prefix.
 *
 * <p>Storage is preallocated [B, Hkv, capacity, Dh] and doubled when full, so appending T tokens costs a copy of
 * T rows, not of the whole history. Used only without gradients (generation).
 */
public final class KVCache {
    private Tensor keys, values;
    private int length;

    /** Tokens cached so far. */
    public int length() {
        return length;
    }

    /** Forgets everything (a new prompt). */
    public void clear() {
        length = 0;
    }

    /**
     * Appends k, v: [B, Hkv, T, Dh] and returns all cached keys and values including them,
     * [B, Hkv, length, Dh] each (views into the cache).
     */
    public Tensor[] append(Tensor k, Tensor v) {
        if (GradMode.isEnabled() && (k.requiresGrad() || v.requiresGrad())) {
            throw new IllegalStateException("KVCache is for inference: run generation inside GradMode.noGrad()");
        }
        int t = k.size(2);
        if (keys == null || length + t > keys.size(2) || keys.size(0) != k.size(0)) {
            int capacity = Math.max(16, 2 * (length + t));
            keys = grow(keys, k, capacity);
            values = grow(values, v, capacity);
        }
        keys.narrow(2, length, t).copy_(k);
        values.narrow(2, length, t).copy_(v);
        length += t;
        return new Tensor[] {keys.narrow(2, 0, length), values.narrow(2, 0, length)};
    }

    private Tensor grow(Tensor old, Tensor like, int capacity) {
        Tensor fresh = Tensor.zeros(like.size(0), like.size(1), capacity, like.size(3)).to(like.device());
        if (old != null && length > 0 && old.size(0) == like.size(0)) fresh.narrow(2, 0, length).copy_(old.narrow(2, 0, length));
        else length = 0;
        return fresh;
    }
}
