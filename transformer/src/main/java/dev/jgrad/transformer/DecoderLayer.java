package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Module;

import java.util.Map;

/**
 * Masked self-attention, cross-attention over the encoder's output (memory) and feed-forward, as
 * {@code nn.TransformerDecoderLayer} (batch_first), parameter names included:
 * <pre>
 * post-LN:  x = norm1(x + sa(x));  x = norm2(x + mha(x, memory));  x = norm3(x + ff(x))
 * pre-LN:   x = x + sa(norm1(x));  x = x + mha(norm2(x), memory);  x = x + ff(norm3(x))
 * </pre>
 * (each branch followed by its dropout).
 */
public final class DecoderLayer extends Module {
    public final LayerConfig config;
    public final MultiheadAttention selfAttn, crossAttn;
    public final LayerNorm norm1, norm2, norm3;
    private final FeedForward ff;
    private final Dropout dropout1, dropout2, dropout3;

    public DecoderLayer(LayerConfig c, Generator gen) {
        this.config = c;
        selfAttn = registerModule("self_attn", new MultiheadAttention(c.dModel(), c.nHeads(), c.nKvHeads(), c.dropout(), true, gen));
        crossAttn = registerModule("multihead_attn", new MultiheadAttention(c.dModel(), c.nHeads(), c.nKvHeads(), c.dropout(), true, gen));
        ff = EncoderLayer.Blocks.feedForward(this::registerModule, c, gen);
        norm1 = registerModule("norm1", new LayerNorm(c.dModel(), c.eps()));
        norm2 = registerModule("norm2", new LayerNorm(c.dModel(), c.eps()));
        norm3 = registerModule("norm3", new LayerNorm(c.dModel(), c.eps()));
        dropout1 = registerModule("dropout1", new Dropout(c.dropout(), gen));
        dropout2 = registerModule("dropout2", new Dropout(c.dropout(), gen));
        dropout3 = registerModule("dropout3", new Dropout(c.dropout(), gen));
    }

    /**
     * x: [B, T, E], memory: [B, S, E] → [B, T, E].
     *
     * @param selfMask   masks of the self-attention (usually causal, plus target padding)
     * @param memoryMask masks of the cross-attention (usually the source padding)
     * @param cache      self-attention KV cache for incremental decoding, or null
     */
    public Tensor forward(Tensor x, Tensor memory, AttentionMask selfMask, AttentionMask memoryMask, KVCache cache) {
        if (config.normFirst()) {
            Tensor h = norm1.forward(x);
            x = x.add(dropout1.forward(selfAttn.forward(h, h, h, selfMask, cache, null)));
            x = x.add(dropout2.forward(crossAttn.forward(norm2.forward(x), memory, memory, memoryMask, null, null)));
            return x.add(dropout3.forward(ff.apply(norm3.forward(x))));
        }
        x = norm1.forward(x.add(dropout1.forward(selfAttn.forward(x, x, x, selfMask, cache, null))));
        x = norm2.forward(x.add(dropout2.forward(crossAttn.forward(x, memory, memory, memoryMask, null, null))));
        return norm3.forward(x.add(dropout3.forward(ff.apply(x))));
    }

    /** Loads an {@code nn.TransformerDecoderLayer} state dict (its keys, relative to this layer). */
    public void loadTorchState(Map<String, Tensor> torch) {
        EncoderLayer.Blocks.loadTorchState(this, torch, Map.of("self_attn.", selfAttn, "multihead_attn.", crossAttn));
    }
}
