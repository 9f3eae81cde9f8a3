package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ModuleList;

/**
 * A stack of {@link EncoderLayer}s ({@code layers.0 ...}), as {@code nn.TransformerEncoder}, with the final
 * LayerNorm ({@code norm}) that pre-LN stacks need (their residual stream is never normalized otherwise).
 */
public final class Encoder extends Module {
    public final ModuleList<EncoderLayer> layers;
    /** Null for post-LN stacks. */
    public final LayerNorm norm;

    public Encoder(LayerConfig c, int numLayers, Rotary rotary, Generator gen) {
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            EncoderLayer layer = new EncoderLayer(c, gen);
            layer.selfAttn.withRotary(rotary);
            layers.add(layer);
        }
        norm = c.normFirst() ? registerModule("norm", new LayerNorm(c.dModel(), c.eps())) : null;
    }

    /** x: [B, T, E] → [B, T, E]. */
    public Tensor forward(Tensor x, AttentionMask mask) {
        return forward(x, mask, null, null);
    }

    /**
     * With one KV cache per layer (decoding) and/or one prefix per layer (prefix tuning); either array may be null.
     */
    public Tensor forward(Tensor x, AttentionMask mask, KVCache[] caches, MultiheadAttention.Prefix[] prefixes) {
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, mask, caches == null ? null : caches[i], prefixes == null ? null : prefixes[i]);
        }
        return norm == null ? x : norm.forward(x);
    }

    /** A fresh cache for every layer. */
    public KVCache[] newCaches() {
        KVCache[] c = new KVCache[layers.size()];
        for (int i = 0; i < c.length; i++) c[i] = new KVCache();
        return c;
    }
}
