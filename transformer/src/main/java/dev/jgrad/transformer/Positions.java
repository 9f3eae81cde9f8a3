package dev.jgrad.transformer;

import dev.jgrad.engine.Tensor;

/** How token order enters a model. */
public enum Positions {
    /** Fixed sin/cos table added to the embeddings (Vaswani et al., 2017). */
    SINUSOIDAL,
    /** A trained embedding per position (BERT, GPT-2). */
    LEARNED,
    /** Rotations of queries and keys inside attention (RoPE); nothing is added to the embeddings. */
    ROTARY;

    /** PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)): [maxLen, d]. */
    public static Tensor sinusoidalTable(int maxLen, int d) {
        float[] pe = new float[maxLen * d];
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; i < d; i += 2) {
                double angle = pos / Math.pow(10000.0, (double) i / d);
                pe[pos * d + i] = (float) Math.sin(angle);
                if (i + 1 < d) pe[pos * d + i + 1] = (float) Math.cos(angle);
            }
        }
        return Tensor.fromArray(pe, maxLen, d);
    }
}
