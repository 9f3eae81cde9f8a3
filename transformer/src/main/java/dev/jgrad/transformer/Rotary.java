package dev.jgrad.transformer;

import dev.jgrad.engine.Tensor;

import java.util.List;

/**
 * Rotary position embedding (RoPE, Su et al. 2021) in the "rotate half" layout of GPT-NeoX and Llama: the
 * head dims are split into two halves (x₁, x₂) and each pair (x₁[i], x₂[i]) is rotated by the angle
 * pos·θ_i with θ_i = base^(−2i/Dh):
 * <pre>  out = [x₁·cos − x₂·sin,  x₂·cos + x₁·sin]</pre>
 * Applied to queries and keys after projection, so attention scores depend on relative positions only.
 * Built from tensor ops, so its gradient needs no code of its own.
 */
public final class Rotary {
    private final Tensor cos, sin; // [maxLen, Dh/2]
    private final int headDim;

    public Rotary(int headDim, int maxLen, double base) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("RoPE needs an even head size, got " + headDim);
        this.headDim = headDim;
        int half = headDim / 2;
        float[] c = new float[maxLen * half], s = new float[maxLen * half];
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(base, -2.0 * i / headDim);
                c[pos * half + i] = (float) Math.cos(angle);
                s[pos * half + i] = (float) Math.sin(angle);
            }
        }
        cos = Tensor.fromArray(c, maxLen, half);
        sin = Tensor.fromArray(s, maxLen, half);
    }

    /** x: [B, H, T, Dh] holding positions offset .. offset+T−1 → same shape, rotated. */
    public Tensor apply(Tensor x, int offset) {
        int t = x.size(2), half = headDim / 2;
        if (offset + t > cos.size(0)) {
            throw new IllegalArgumentException("RoPE: position " + (offset + t - 1) + " is past the table of " + cos.size(0));
        }
        Tensor c = cos.narrow(0, offset, t), s = sin.narrow(0, offset, t);   // [T, Dh/2], broadcast over B, H
        Tensor x1 = x.narrow(3, 0, half), x2 = x.narrow(3, half, half);
        return Tensor.cat(List.of(x1.mul(c).sub(x2.mul(s)), x2.mul(c).add(x1.mul(s))), 3);
    }
}
