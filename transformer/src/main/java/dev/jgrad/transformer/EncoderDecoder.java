package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;

import java.util.Arrays;

/**
 * A sequence-to-sequence transformer (Vaswani et al.): the source goes through an {@link Encoder}; the
 * {@link Decoder} reads the target shifted right with a causal mask and attends to the encoder's output.
 * Source and target share one vocabulary and one embedding module. Trained with teacher forcing
 * ({@link #forward}), decoded greedily ({@link #greedy}).
 */
public final class EncoderDecoder extends Module {
    public final ModelConfig config;
    public final Embeddings embeddings;
    public final Encoder encoder;
    public final Decoder decoder;
    /** Null when tied to the embeddings. */
    public final Linear out;

    public EncoderDecoder(ModelConfig c, Generator gen) {
        this.config = c;
        if (c.positions() == Positions.ROTARY) {
            throw new IllegalArgumentException("EncoderDecoder takes sinusoidal or learned positions, not rotary");
        }
        embeddings = registerModule("embeddings", new Embeddings(c, gen));
        encoder = registerModule("encoder", new Encoder(c.layer(), c.numLayers(), null, gen));
        decoder = registerModule("decoder", new Decoder(c.layer(), c.numLayers(), gen));
        out = c.tieEmbeddings() ? null : registerModule("out", new Linear(c.layer().dModel(), c.vocabSize(), true, gen));
    }

    /** src int64 [B, S], srcPad bool [B, S] (true = padding) or null → memory [B, S, E]. */
    public Tensor encode(Tensor src, Tensor srcPad) {
        return encoder.forward(embeddings.forward(src, null, 0), srcPad == null ? AttentionMask.NONE : AttentionMask.padding(srcPad));
    }

    /** Teacher forcing: tgtIn int64 [B, T] (the target shifted right, starting with BOS) → logits [B, T, V]. */
    public Tensor forward(Tensor src, Tensor srcPad, Tensor tgtIn, Tensor tgtPad) {
        Tensor memory = encode(src, srcPad);
        return decode(tgtIn, tgtPad, memory, srcPad, null);
    }

    private Tensor decode(Tensor tgt, Tensor tgtPad, Tensor memory, Tensor srcPad, KVCache[] caches) {
        int offset = caches == null ? 0 : caches[0].length();
        Tensor y = embeddings.forward(tgt, null, offset);
        AttentionMask self = new AttentionMask(tgtPad, null, true);
        AttentionMask cross = srcPad == null ? AttentionMask.NONE : AttentionMask.padding(srcPad);
        y = decoder.forward(y, memory, self, cross, caches);
        return out != null ? out.forward(y) : embeddings.tiedLogits(y);
    }

    /**
     * Greedy decoding with the decoder's KV cache: starts from {@code bos}, stops at {@code eos} or after
     * {@code maxLen} tokens. Returns the generated ids per row, without BOS and with EOS if produced.
     */
    public long[][] greedy(Tensor src, Tensor srcPad, int bos, int eos, int maxLen) {
        int b = src.size(0);
        long[][] outIds = new long[b][0];
        boolean[] done = new boolean[b];
        boolean wasTraining = isTraining();
        eval();
        try (var scope = GradMode.noGrad()) {
            Tensor memory = encode(src, srcPad);
            KVCache[] caches = decoder.newCaches();
            long[] next = new long[b];
            Arrays.fill(next, bos);
            for (int step = 0; step < maxLen; step++) {
                Tensor logits = decode(Tensor.fromArray(next, b, 1), null, memory, srcPad, caches);   // [B, 1, V]
                long[] best = logits.select(1, 0).argmax(-1, false).toLongArray();
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    if (!done[i]) {
                        outIds[i] = Arrays.copyOf(outIds[i], outIds[i].length + 1);
                        outIds[i][outIds[i].length - 1] = best[i];
                        done[i] = best[i] == eos;
                    }
                    all &= done[i];
                }
                next = best;
                if (all) break;
            }
        } finally {
            train(wasTraining);
        }
        return outIds;
    }
}
