package dev.jgrad.transformer;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;

/**
 * A BERT-style encoder with a sequence head: embeddings → encoder → pooling → {@code head}, giving class
 * logits (or one number for regression, numLabels = 1). With {@code mlm} it also carries BERT's masked-LM head
 * ({@code mlm.dense → GELU → mlm.norm → tied decoder + mlm_bias}) for pretraining.
 */
public final class EncoderClassifier extends Module {
    /** How one vector is taken from the sequence: the first token ([CLS]) or the mean of non-padding tokens. */
    public enum Pooling { CLS, MEAN }

    public final ModelConfig config;
    public final Pooling pooling;
    public final Embeddings embeddings;
    public final Encoder encoder;
    public final Linear head;
    public final Linear mlmDense;
    public final LayerNorm mlmNorm;
    public final Tensor mlmBias;

    public EncoderClassifier(ModelConfig c, int numLabels, Pooling pooling, boolean mlm, Generator gen) {
        this.config = c;
        this.pooling = pooling;
        embeddings = registerModule("embeddings", new Embeddings(c, gen));
        encoder = registerModule("encoder", new Encoder(c.layer(), c.numLayers(), c.rotary(), gen));
        head = registerModule("head", new Linear(c.layer().dModel(), numLabels, true, gen));
        int e = c.layer().dModel();
        mlmDense = mlm ? registerModule("mlm_dense", new Linear(e, e, true, gen)) : null;
        mlmNorm = mlm ? registerModule("mlm_norm", new LayerNorm(e, c.layer().eps())) : null;
        mlmBias = registerParameter("mlm_bias", mlm ? Tensor.zeros(c.vocabSize()) : null);
    }

    /**
     * The encoder's output: ids int64 [B, T], padMask bool [B, T] (true = padding) or null, segments int64
     * [B, T] or null → [B, T, E].
     */
    public Tensor encode(Tensor ids, Tensor padMask, Tensor segments) {
        Tensor x = embeddings.forward(ids, segments, 0);
        return encoder.forward(x, padMask == null ? AttentionMask.NONE : AttentionMask.padding(padMask));
    }

    /** Sequence logits [B, numLabels]. */
    public Tensor forward(Tensor ids, Tensor padMask, Tensor segments) {
        Tensor h = encode(ids, padMask, segments);                       // [B, T, E]
        return head.forward(pool(h, padMask));                          // [B, numLabels]
    }

    /** [B, T, E] → [B, E]. */
    public Tensor pool(Tensor h, Tensor padMask) {
        if (pooling == Pooling.CLS) return h.select(1, 0);
        if (padMask == null) return h.mean(1, false);
        Tensor keep = padMask.eq(0f).to(DType.FLOAT32).unsqueeze(-1);  // [B, T, 1], 1 = real token
        return h.mul(keep).sum(1, false).div(keep.sum(1, false).clamp(1f, Float.MAX_VALUE));
    }

    /** Masked-LM logits [B, T, V] (requires the model to be built with {@code mlm}). */
    public Tensor mlmLogits(Tensor ids, Tensor padMask, Tensor segments) {
        if (mlmDense == null) throw new IllegalStateException("this EncoderClassifier was built without an MLM head");
        Tensor h = mlmNorm.forward(mlmDense.forward(encode(ids, padMask, segments)).gelu());
        return embeddings.tiedLogits(h).add(mlmBias);
    }
}
