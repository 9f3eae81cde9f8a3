package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Generation with the KV cache equals generation without it, token for token; sampling options behave. */
class GenerationTest {

    private static DecoderLM model(Positions positions, int kvHeads) {
        LayerConfig layer = LayerConfig.of(32, 4, 64, 0.1f, LayerConfig.Activation.GELU).withNormFirst(true).withKvHeads(kvHeads);
        return new DecoderLM(ModelConfig.of(50, 64, layer, 2).withPositions(positions), new Generator(11));
    }

    private static Tensor prompt() {
        return Tensor.fromArray(new long[] {3, 14, 15, 9, 2, 6, 5, 3, 5, 8}, 2, 5);
    }

    @Test
    void cachedAndUncachedGenerationAgreeTokenForToken() {
        for (Positions p : Positions.values()) {
            for (int kv : new int[] {4, 2}) {
                DecoderLM lm = model(p, kv);
                for (Sampling s : new Sampling[] {Sampling.greedy(20),
                        Sampling.greedy(20).withTemperature(0.8f).withTopK(10).withSeed(7),
                        Sampling.greedy(20).withTemperature(1.2f).withTopP(0.9f).withSeed(3)}) {
                    long[][] cached = lm.generate(prompt(), s.withCache(true));
                    long[][] plain = lm.generate(prompt(), s.withCache(false));
                    assertArrayEquals(plain, cached, p + ", kv heads " + kv + ", " + s);
                    assertEquals(25, cached[0].length);
                }
            }
        }
    }

    @Test
    void cachedLogitsEqualFullForward() {
        DecoderLM lm = model(Positions.ROTARY, 2);
        lm.eval();
        try (var scope = GradMode.noGrad()) {
            Tensor ids = prompt();
            float[] full = lm.forward(ids).toFloatArray();
            KVCache[] caches = lm.newCaches();
            Tensor first = lm.forward(ids.narrow(1, 0, 3), caches, null);               // [2, 3, V]
            Tensor rest = lm.forward(ids.narrow(1, 3, 2), caches, null);                // [2, 2, V]
            float[] pieced = Tensor.cat(java.util.List.of(first, rest), 1).toFloatArray();
            for (int i = 0; i < full.length; i++) assertEquals(full[i], pieced[i], 1e-5f, "logit " + i);
        }
    }

    @Test
    void stopTokenEndsARow() {
        DecoderLM lm = model(Positions.LEARNED, 4);
        long[][] free = lm.generate(prompt(), Sampling.greedy(10));
        long stop = free[0][7]; // the third generated token of row 0
        long[][] stopped = lm.generate(prompt(), Sampling.greedy(10).withStopToken((int) stop));
        int firstStop = 5;
        while (free[0][firstStop] != stop) firstStop++;
        assertEquals(firstStop + 1, stopped[0].length, "row 0 ends at its first stop token, kept");
        assertEquals(stop, stopped[0][stopped[0].length - 1]);
    }

    @Test
    void samplingRespectsTopKAndIsSeeded() {
        Sampling s = Sampling.greedy(1).withTemperature(1f).withTopK(2).withSeed(1);
        float[] logits = {0f, 5f, 4.9f, -1f, 3f};
        Generator g = new Generator(1);
        int[] counts = new int[5];
        for (int i = 0; i < 2000; i++) counts[s.pick(logits, g)]++;
        assertEquals(0, counts[0] + counts[3] + counts[4], "only the two best tokens are ever drawn");
        assertTrue(counts[1] > 900 && counts[2] > 800, java.util.Arrays.toString(counts));
        float[] peaked = {0f, 0f, 10f};
        assertEquals(2, Sampling.greedy(1).withTemperature(1f).withTopP(0.5f).pick(peaked, new Generator(2)));
        Generator a = new Generator(9), b = new Generator(9);
        Sampling hot = Sampling.greedy(1).withTemperature(2f);
        for (int i = 0; i < 50; i++) assertEquals(hot.pick(logits, a), hot.pick(logits, b));
    }
}
