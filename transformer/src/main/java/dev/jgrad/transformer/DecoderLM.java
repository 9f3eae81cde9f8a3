package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;

import java.util.Arrays;

/**
 * A GPT-style language model: embeddings → causal {@link Encoder} stack → {@code out} (or the tied token
 * embedding), predicting token t+1 from tokens ≤ t. {@link #generate} decodes with or without the KV cache.
 */
public final class DecoderLM extends Module {
    public final ModelConfig config;
    public final Embeddings embeddings;
    public final Encoder layers;
    /** Null when the output is tied to the token embedding. */
    public final Linear out;

    public DecoderLM(ModelConfig c, Generator gen) {
        this.config = c;
        embeddings = registerModule("embeddings", new Embeddings(c, gen));
        layers = registerModule("decoder", new Encoder(c.layer(), c.numLayers(), c.rotary(), gen));
        out = c.tieEmbeddings() ? null : registerModule("out", new Linear(c.layer().dModel(), c.vocabSize(), false, gen));
    }

    /** ids int64 [B, T] → logits [B, T, V]. */
    public Tensor forward(Tensor ids) {
        return forward(ids, null, null);
    }

    /**
     * ids int64 [B, T] → logits [B, T, V]; with caches (one per layer, from {@link #newCaches}) the ids continue
     * the cached sequence. prefixes: one per layer for prefix tuning, or null.
     */
    public Tensor forward(Tensor ids, KVCache[] caches, MultiheadAttention.Prefix[] prefixes) {
        int offset = caches == null ? 0 : caches[0].length();
        Tensor x = embeddings.forward(ids, null, offset);
        x = layers.forward(x, AttentionMask.CAUSAL, caches, prefixes);
        return out != null ? out.forward(x) : embeddings.tiedLogits(x);
    }

    public KVCache[] newCaches() {
        return layers.newCaches();
    }

    /**
     * Continues each prompt (int64 [B, T], all the same length) by up to {@code s.maxNewTokens()} tokens and
     * returns prompt + continuation per row. Rows that produced the stop token keep it and stop growing.
     */
    public long[][] generate(Tensor prompt, Sampling s) {
        int b = prompt.size(0);
        long[][] seqs = new long[b][];
        long[] flat = prompt.toLongArray();
        int t = prompt.size(1);
        for (int i = 0; i < b; i++) seqs[i] = Arrays.copyOfRange(flat, i * t, (i + 1) * t);
        boolean[] done = new boolean[b];
        Generator gen = new Generator(s.seed());
        boolean wasTraining = isTraining();
        eval();
        try (var scope = GradMode.noGrad()) {
            KVCache[] caches = s.useCache() ? newCaches() : null;
            Tensor input = prompt;
            for (int step = 0; step < s.maxNewTokens() && !allDone(done); step++) {
                if (seqs[0].length >= config.maxLen()) break;
                Tensor logits = forward(input, caches, null);                         // [B, T', V]
                Tensor last = logits.select(1, logits.size(1) - 1);                  // [B, V]
                long[] next = new long[b];
                for (int i = 0; i < b; i++) {
                    next[i] = done[i] ? seqs[i][seqs[i].length - 1] : s.pick(last.select(0, i).toFloatArray(), gen);
                    seqs[i] = Arrays.copyOf(seqs[i], seqs[i].length + 1);
                    seqs[i][seqs[i].length - 1] = next[i];
                    done[i] |= next[i] == s.stopToken();
                }
                input = caches != null ? Tensor.fromArray(next, b, 1) : Tensor.fromArray(concat(seqs), b, seqs[0].length);
            }
        } finally {
            train(wasTraining);
        }
        return trimAfterStop(seqs, t, s.stopToken());
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) if (!d) return false;
        return true;
    }

    private static long[] concat(long[][] rows) {
        long[] all = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, all, i * rows[i].length, rows[i].length);
        return all;
    }

    /** Rows keep growing (as padding) after their stop token so the batch stays rectangular; cut them back. */
    private static long[][] trimAfterStop(long[][] seqs, int promptLen, int stop) {
        for (int i = 0; i < seqs.length; i++) {
            for (int j = promptLen; j < seqs[i].length; j++) {
                if (seqs[i][j] == stop) {
                    seqs[i] = Arrays.copyOf(seqs[i], j + 1);
                    break;
                }
            }
        }
        return seqs;
    }
}
