package dev.jgrad.transformer;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The masks of one attention call, in {@code nn.MultiheadAttention}'s conventions, and their translation to
 * the single mask that {@code scaledDotProduct} takes (bool true = may attend, or float added to the scores).
 *
 * @param keyPadding bool [B, Tk], true where the key is padding (ignored); or null
 * @param attn       bool [Tq, Tk] or [B, H, Tq, Tk], true where attention is <em>not</em> allowed; or float,
 *                   added to the scores (−∞ blocks); or null
 * @param causal     block keys after each query (aligned so the last query sees every key: right for KV caches
 *                   and prefixes)
 */
public record AttentionMask(Tensor keyPadding, Tensor attn, boolean causal) {

    /** No mask at all. */
    public static final AttentionMask NONE = new AttentionMask(null, null, false);

    /** Causal self-attention. */
    public static final AttentionMask CAUSAL = new AttentionMask(null, null, true);

    /** Only key padding. */
    public static AttentionMask padding(Tensor keyPadding) {
        return new AttentionMask(keyPadding, null, false);
    }

    public AttentionMask withCausal(boolean c) {
        return new AttentionMask(keyPadding, attn, c);
    }

    /**
     * The scaledDotProduct mask for queries over {@code extraKeys} leading keys (prefix tokens, which no mask
     * covers and which every query may see) followed by the keys the masks describe. Returns null for no mask.
     */
    Tensor toSdpa(int batch, int tq, int tk, int extraKeys) {
        Tensor allowed = null;   // bool, true = may attend
        Tensor additive = null;  // float
        if (keyPadding != null) {
            int[] s = keyPadding.shape();
            if (keyPadding.dtype() != DType.BOOL || s.length != 2 || s[0] != batch || s[1] != tk) {
                throw new IllegalArgumentException("key padding mask must be bool [" + batch + ", " + tk + "], got "
                        + keyPadding.dtype() + " " + Arrays.toString(s));
            }
            allowed = not(keyPadding).reshape(batch, 1, 1, tk);                  // [B, 1, 1, Tk]
        }
        if (attn != null) {
            if (attn.dtype() == DType.BOOL) {
                Tensor ok = not(attn);
                allowed = allowed == null ? ok : and(allowed, ok);
            } else {
                additive = attn;
            }
        }
        if (additive != null && allowed != null) {
            additive = Tensor.where(allowed, additive, Tensor.scalar(Float.NEGATIVE_INFINITY));
            allowed = null;
        }
        Tensor m = additive != null ? additive : allowed;
        if (m == null || extraKeys == 0) return m;
        // Prefix keys: every query may attend to them (0 added, or true).
        int last = m.dim() - 1;
        int[] prefixShape = m.shape();
        prefixShape[last] = extraKeys;
        Tensor open = (additive != null ? Tensor.zeros(prefixShape) : Tensor.ones(prefixShape).gt(0.5f)).to(m.device());
        return Tensor.cat(List.of(open, m), last);
    }

    private static Tensor not(Tensor boolMask) {
        return boolMask.eq(0f);
    }

    private static Tensor and(Tensor a, Tensor b) {
        return a.to(DType.FLOAT32).mul(b.to(DType.FLOAT32)).gt(0.5f);
    }
}
