package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Module;

/**
 * Token (+ position) (+ segment) embeddings, the input of every model: {@code tok}, {@code pos} (learned) or a
 * sinusoidal table, {@code seg}, and BERT's {@code norm} + dropout when configured.
 */
public final class Embeddings extends Module {
    public final ModelConfig config;
    public final Embedding tok;
    /** Learned positions, or null. */
    public final Embedding pos;
    /** Segment (token type) embeddings, or null. */
    public final Embedding seg;
    public final LayerNorm norm;
    private final Dropout dropout;
    private final Tensor sinusoids;

    public Embeddings(ModelConfig c, Generator gen) {
        this.config = c;
        int e = c.layer().dModel();
        tok = registerModule("tok", c.padId() >= 0 ? new Embedding(c.vocabSize(), e, c.padId(), gen) : new Embedding(c.vocabSize(), e, gen));
        pos = c.positions() == Positions.LEARNED ? registerModule("pos", new Embedding(c.maxLen(), e, gen)) : null;
        sinusoids = c.positions() == Positions.SINUSOIDAL
                ? registerBuffer("pe", Positions.sinusoidalTable(c.maxLen(), e), false) : null;
        seg = c.typeVocabSize() > 0 ? registerModule("seg", new Embedding(c.typeVocabSize(), e, gen)) : null;
        norm = c.embeddingNorm() ? registerModule("norm", new LayerNorm(e, c.layer().eps())) : null;
        dropout = c.embeddingNorm() ? registerModule("dropout", new Dropout(c.layer().dropout(), gen)) : null;
    }

    /**
     * ids: int64 [B, T] for positions offset .. offset+T−1; segments: int64 [B, T] or null → [B, T, E].
     */
    public Tensor forward(Tensor ids, Tensor segments, int offset) {
        int t = ids.size(1);
        if (offset + t > config.maxLen()) {
            throw new IllegalArgumentException("sequence of " + (offset + t) + " positions is longer than maxLen " + config.maxLen());
        }
        Tensor x = tok.forward(ids);                                                  // [B, T, E]
        if (pos != null) x = x.add(pos.forward(positions(offset, t).to(ids.device())));  // + [T, E]
        if (sinusoids != null) x = x.add(sinusoids.narrow(0, offset, t));
        if (seg != null && segments != null) x = x.add(seg.forward(segments));
        if (norm != null) x = dropout.forward(norm.forward(x));
        return x;
    }

    /** int64 [T]: offset, offset+1, ... */
    static Tensor positions(int offset, int t) {
        long[] p = new long[t];
        for (int i = 0; i < t; i++) p[i] = offset + i;
        return Tensor.fromArray(p);
    }

    /** Output logits through the token embedding matrix (weight tying): x [.., E] → [.., V]. */
    public Tensor tiedLogits(Tensor x) {
        return x.matmul(tok.weight.mT());
    }
}
