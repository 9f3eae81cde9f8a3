package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ModuleList;

/** A stack of {@link DecoderLayer}s ({@code layers.0 ...}), as {@code nn.TransformerDecoder}. */
public final class Decoder extends Module {
    public final ModuleList<DecoderLayer> layers;
    /** Null for post-LN stacks. */
    public final LayerNorm norm;

    public Decoder(LayerConfig c, int numLayers, Generator gen) {
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(new DecoderLayer(c, gen));
        norm = c.normFirst() ? registerModule("norm", new LayerNorm(c.dModel(), c.eps())) : null;
    }

    /** x: [B, T, E], memory: [B, S, E] → [B, T, E]; caches (one per layer) may be null. */
    public Tensor forward(Tensor x, Tensor memory, AttentionMask selfMask, AttentionMask memoryMask, KVCache[] caches) {
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, memory, selfMask, memoryMask, caches == null ? null : caches[i]);
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
