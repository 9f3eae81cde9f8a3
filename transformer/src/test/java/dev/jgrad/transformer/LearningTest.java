package dev.jgrad.transformer;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.nn.optim.AdamW;
import dev.jgrad.nn.optim.GradClip;
import dev.jgrad.nn.optim.ParamGroup;
import dev.jgrad.nn.schedule.LRScheduler;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The models learn: sequence reversal (encoder-decoder) and memorising a paragraph (decoder LM). */
class LearningTest {
    private static final int PAD = 10, BOS = 11, EOS = 12, VOCAB = 13;

    /** A batch of random digit strings of length 3..7 with their reversals, padded. */
    private record Batch(Tensor src, Tensor srcPad, Tensor tgtIn, Tensor tgtPad, Tensor tgtOut, long[][] digits) {}

    private static Batch batch(Generator g, int n, Set<String> exclude, Set<String> record) {
        int maxLen = 7;
        long[] src = new long[n * maxLen], tin = new long[n * (maxLen + 1)], tout = new long[n * (maxLen + 1)];
        float[] sp = new float[n * maxLen], tp = new float[n * (maxLen + 1)];
        long[][] digits = new long[n][];
        for (int i = 0; i < n; i++) {
            long[] d;
            String key;
            do {
                d = new long[3 + g.nextInt(maxLen - 2)];
                for (int j = 0; j < d.length; j++) d[j] = g.nextInt(10);
                key = java.util.Arrays.toString(d);
            } while (exclude != null && exclude.contains(key));
            if (record != null) record.add(key);
            digits[i] = d;
            for (int j = 0; j < maxLen; j++) {
                src[i * maxLen + j] = j < d.length ? d[j] : PAD;
                sp[i * maxLen + j] = j < d.length ? 0 : 1;
            }
            for (int j = 0; j <= maxLen; j++) {
                int t = i * (maxLen + 1) + j;
                tin[t] = j == 0 ? BOS : j <= d.length ? d[d.length - j] : PAD;
                tout[t] = j < d.length ? d[d.length - 1 - j] : j == d.length ? EOS : -100;
                tp[t] = j <= d.length ? 0 : 1;
            }
        }
        return new Batch(Tensor.fromArray(src, n, maxLen), Tensor.fromArray(sp, n, maxLen).gt(0.5f),
                Tensor.fromArray(tin, n, maxLen + 1), Tensor.fromArray(tp, n, maxLen + 1).gt(0.5f),
                Tensor.fromArray(tout, n, maxLen + 1), digits);
    }

    @Test
    void encoderDecoderLearnsToReverseDigits() {
        Generator gen = new Generator(1);
        LayerConfig layer = LayerConfig.of(64, 4, 128, 0f, LayerConfig.Activation.GELU).withNormFirst(true);
        EncoderDecoder model = new EncoderDecoder(ModelConfig.of(VOCAB, 16, layer, 2).withPositions(Positions.SINUSOIDAL).withPadId(PAD), gen);
        int steps = 800;
        AdamW opt = new AdamW(ParamGroup.all(model), 3e-3, 0.9, 0.98, 1e-9, 0.0, false);
        LRScheduler schedule = LRScheduler.cosineWithWarmup(opt, 50, steps); // warm up, then anneal to 0
        Generator data = new Generator(2);
        Set<String> seen = new HashSet<>();
        for (int step = 0; step < steps; step++) {
            Batch b = batch(data, 64, null, seen);
            Tensor logits = model.forward(b.src, b.srcPad, b.tgtIn, b.tgtPad);               // [B, T, V]
            Tensor loss = F.crossEntropy(logits.reshape(-1, VOCAB), b.tgtOut.reshape(-1));
            model.zeroGrad();
            loss.backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            schedule.step();
        }
        Batch test = batch(new Generator(3), 200, seen, null);                                // held out
        long[][] out = model.greedy(test.src, test.srcPad, BOS, EOS, 8);
        int exact = 0;
        for (int i = 0; i < out.length; i++) {
            long[] d = test.digits[i];
            long[] want = new long[d.length + 1];
            for (int j = 0; j < d.length; j++) want[j] = d[d.length - 1 - j];
            want[d.length] = EOS;
            if (java.util.Arrays.equals(want, out[i])) exact++;
        }
        System.out.println("LearningTest: reversal exact-match " + exact + "/200 on held-out sequences");
        assertTrue(exact >= 198, "exact-match on 200 held-out sequences: " + exact + " (need ≥ 99%)");
    }

    private static final String PARAGRAPH = "Call me Ishmael. Some years ago, never mind how long precisely, having little "
            + "or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about "
            + "a little and see the watery part of the world.";

    /** Character ids of the paragraph (its own small vocabulary). */
    private static long[] chars(List<Character> vocab) {
        long[] ids = new long[PARAGRAPH.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = vocab.indexOf(PARAGRAPH.charAt(i));
        return ids;
    }

    static List<Character> vocab() {
        return PARAGRAPH.chars().distinct().sorted().mapToObj(c -> (char) c).toList();
    }

    /** A small character-level decoder LM trained on the paragraph until it has memorised it. */
    static DecoderLM memorise(Positions positions) {
        List<Character> vocab = vocab();
        long[] ids = chars(vocab);
        int n = ids.length - 1;
        Generator gen = new Generator(5);
        LayerConfig layer = LayerConfig.of(64, 4, 128, 0f, LayerConfig.Activation.GELU).withNormFirst(true);
        DecoderLM lm = new DecoderLM(ModelConfig.of(vocab.size(), 256, layer, 2).withPositions(positions), gen);
        AdamW opt = new AdamW(ParamGroup.all(lm), 3e-3, 0.9, 0.99, 1e-8, 0.0, false);
        Tensor input = Tensor.fromArray(java.util.Arrays.copyOf(ids, n), 1, n);
        Tensor target = Tensor.fromArray(java.util.Arrays.copyOfRange(ids, 1, n + 1));
        for (int step = 0; step < 300; step++) {
            Tensor loss = F.crossEntropy(lm.forward(input).reshape(n, vocab.size()), target);
            lm.zeroGrad();
            loss.backward();
            opt.step();
            if (loss.item() < 0.02f) break;
        }
        return lm;
    }

    @Test
    void decoderLmMemorisesAParagraph() {
        List<Character> vocab = vocab();
        long[] ids = chars(vocab);
        int n = ids.length - 1;
        DecoderLM lm = memorise(Positions.LEARNED);
        lm.eval();
        float loss;
        try (var scope = GradMode.noGrad()) {
            Tensor logits = lm.forward(Tensor.fromArray(java.util.Arrays.copyOf(ids, n), 1, n)).reshape(n, vocab.size());
            loss = F.crossEntropy(logits, Tensor.fromArray(java.util.Arrays.copyOfRange(ids, 1, n + 1))).item();
        }
        assertTrue(loss < 0.05f, "loss after training: " + loss);
        // and it recites: greedy continuation of the first 10 characters gives the rest of the paragraph
        long[][] out = lm.generate(Tensor.fromArray(java.util.Arrays.copyOf(ids, 10), 1, 10), Sampling.greedy(40));
        assertArrayEquals(java.util.Arrays.copyOf(ids, 50), out[0]);
    }
}
