package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;

import java.util.HashMap;
import java.util.Map;

/**
 * Self-attention and feed-forward with residual connections, as {@code nn.TransformerEncoderLayer}
 * (batch_first), parameter names included:
 * <pre>
 * post-LN (PyTorch's default):  x = norm1(x + dropout1(self_attn(x)));  x = norm2(x + dropout2(ff(x)))
 * pre-LN (normFirst):           x = x + dropout1(self_attn(norm1(x)));  x = x + dropout2(ff(norm2(x)))
 * </pre>
 * With a causal mask the same layer is a GPT-style decoder block.
 */
public final class EncoderLayer extends Module {
    public final LayerConfig config;
    public final MultiheadAttention selfAttn;
    public final LayerNorm norm1, norm2;
    private final FeedForward ff;
    private final Dropout dropout1, dropout2;

    public EncoderLayer(LayerConfig c, Generator gen) {
        this.config = c;
        selfAttn = registerModule("self_attn", new MultiheadAttention(c.dModel(), c.nHeads(), c.nKvHeads(), c.dropout(), true, gen));
        ff = Blocks.feedForward(this::registerModule, c, gen);
        norm1 = registerModule("norm1", new LayerNorm(c.dModel(), c.eps()));
        norm2 = registerModule("norm2", new LayerNorm(c.dModel(), c.eps()));
        dropout1 = registerModule("dropout1", new Dropout(c.dropout(), gen));
        dropout2 = registerModule("dropout2", new Dropout(c.dropout(), gen));
    }

    /** x: [B, T, E] → [B, T, E]. */
    public Tensor forward(Tensor x, AttentionMask mask) {
        return forward(x, mask, null, null);
    }

    /** As {@link #forward(Tensor, AttentionMask)}, with a KV cache (decoding) and/or a key/value prefix. */
    public Tensor forward(Tensor x, AttentionMask mask, KVCache cache, MultiheadAttention.Prefix prefix) {
        if (config.normFirst()) {
            Tensor h = norm1.forward(x);
            x = x.add(dropout1.forward(selfAttn.forward(h, h, h, mask, cache, prefix)));
            return x.add(dropout2.forward(ff.apply(norm2.forward(x))));
        }
        x = norm1.forward(x.add(dropout1.forward(selfAttn.forward(x, x, x, mask, cache, prefix))));
        return norm2.forward(x.add(dropout2.forward(ff.apply(x))));
    }

    /** Loads an {@code nn.TransformerEncoderLayer} state dict (its keys, relative to this layer). */
    public void loadTorchState(Map<String, Tensor> torch) {
        Blocks.loadTorchState(this, torch, Map.of("self_attn.", selfAttn));
    }

    /** Utilities shared by the encoder and decoder layers. */
    static final class Blocks {
        private Blocks() {}

        /** A layer's {@code registerModule}, passed in because it is protected. */
        interface Registrar {
            <M extends Module> M register(String name, M module);
        }

        static FeedForward feedForward(Registrar owner, LayerConfig c, Generator gen) {
            Linear l1 = owner.register("linear1", new Linear(c.dModel(), c.dFF(), true, gen));
            Dropout d = owner.register("dropout", new Dropout(c.dropout(), gen));
            Linear l2 = owner.register("linear2", new Linear(c.dFF(), c.dModel(), true, gen));
            Linear gate = c.activation() == LayerConfig.Activation.SWIGLU
                    ? owner.register("linear3", new Linear(c.dModel(), c.dFF(), true, gen)) : null;
            return new FeedForward(l1, l2, gate, d, c.activation());
        }

        /**
         * Loads PyTorch keys: attention modules take their packed {@code in_proj} through
         * {@link MultiheadAttention#loadTorchState}; every other key loads by name, strictly.
         */
        static void loadTorchState(Module layer, Map<String, Tensor> torch, Map<String, MultiheadAttention> attns) {
            Map<String, Tensor> rest = new HashMap<>(torch);
            for (var e : attns.entrySet()) {
                Map<String, Tensor> sub = new HashMap<>();
                torch.forEach((k, v) -> {
                    if (k.startsWith(e.getKey())) {
                        sub.put(k.substring(e.getKey().length()), v);
                        rest.remove(k);
                    }
                });
                e.getValue().loadTorchState(sub);
            }
            // the attention entries of our own state (just loaded) keep the strict load complete
            Map<String, Tensor> merged = new HashMap<>(layer.stateDict());
            merged.putAll(rest);
            layer.loadStateDict(merged, true);
        }
    }
}
