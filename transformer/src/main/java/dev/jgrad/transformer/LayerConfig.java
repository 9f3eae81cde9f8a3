package dev.jgrad.transformer;

/**
 * The shape of one transformer block, as {@code nn.TransformerEncoderLayer}'s arguments.
 *
 * @param dModel      width of the residual stream (E)
 * @param nHeads      query heads (H); head size is dModel / nHeads
 * @param nKvHeads    key/value heads; equal to nHeads for ordinary attention, a divisor of it for
 *                    grouped-query attention
 * @param dFF         hidden width of the feed-forward block
 * @param dropout     dropout on attention weights, inside the feed-forward block and on each residual branch
 * @param activation  the feed-forward nonlinearity
 * @param normFirst   pre-LN (LayerNorm before each sub-block) instead of PyTorch's default post-LN
 * @param eps         LayerNorm epsilon
 */
public record LayerConfig(int dModel, int nHeads, int nKvHeads, int dFF, float dropout, Activation activation,
                          boolean normFirst, float eps) {

    /** The feed-forward nonlinearity; SWIGLU adds a gate projection (Shazeer, 2020). */
    public enum Activation { RELU, GELU, SWIGLU }

    public LayerConfig {
        if (dModel <= 0 || nHeads <= 0 || dModel % nHeads != 0) {
            throw new IllegalArgumentException("dModel " + dModel + " must be a positive multiple of nHeads " + nHeads);
        }
        if (nKvHeads <= 0 || nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("nKvHeads " + nKvHeads + " must divide nHeads " + nHeads);
        }
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }

    /** Plain multi-head attention, post-LN, eps 1e-5: PyTorch's defaults. */
    public static LayerConfig of(int dModel, int nHeads, int dFF, float dropout, Activation activation) {
        return new LayerConfig(dModel, nHeads, nHeads, dFF, dropout, activation, false, 1e-5f);
    }

    public LayerConfig withNormFirst(boolean v) {
        return new LayerConfig(dModel, nHeads, nKvHeads, dFF, dropout, activation, v, eps);
    }

    public LayerConfig withKvHeads(int v) {
        return new LayerConfig(dModel, nHeads, v, dFF, dropout, activation, normFirst, eps);
    }

    public LayerConfig withDropout(float v) {
        return new LayerConfig(dModel, nHeads, nKvHeads, dFF, v, activation, normFirst, eps);
    }

    /** Size of one head (Dh). */
    public int headDim() {
        return dModel / nHeads;
    }
}
