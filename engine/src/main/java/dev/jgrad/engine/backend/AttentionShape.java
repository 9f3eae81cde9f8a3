package dev.jgrad.engine.backend;

/**
 * The sizes of one fused attention call: q [B, H, Tq, D], k [B, H, Tk, D], v [B, H, Tk, Dv], all contiguous,
 * and an optional additive bias read through a layout of shape [B, H, Tq, Tk] (broadcast dims have stride 0).
 *
 * <p>{@code causal} masks key j for query i when j > i + (Tk − Tq): the causal mask aligned to the bottom
 * right, which is what incremental decoding needs (the last query sees every key). For Tq = Tk it is the
 * usual lower-triangular mask.
 */
public record AttentionShape(int batch, int heads, int tq, int tk, int d, int dv, float scale, boolean causal) {

    /** Whether query row i may attend to key j under the causal rule. */
    public boolean visible(int i, int j) {
        return !causal || j <= i + (tk - tq);
    }
}
