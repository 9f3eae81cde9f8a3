package dev.jgrad.transformer;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradCheck;
import dev.jgrad.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.*;

/** Shapes, options and invariants of the building blocks and the three model families. */
class ModelsTest {
    private static final LayerConfig SMALL = LayerConfig.of(16, 2, 32, 0f, LayerConfig.Activation.GELU);

    private static Tensor ids(int b, int t, int vocab, long seed) {
        Generator g = new Generator(seed);
        long[] v = new long[b * t];
        for (int i = 0; i < v.length; i++) v[i] = g.nextInt(vocab);
        return Tensor.fromArray(v, b, t);
    }

    @Test
    void sinusoidalTableFollowsTheFormula() {
        Tensor pe = Positions.sinusoidalTable(50, 8);
        assertEquals(Math.sin(7 / Math.pow(10000, 2.0 / 8)), pe.get(7, 2), 1e-6);
        assertEquals(Math.cos(7 / Math.pow(10000, 4.0 / 8)), pe.get(7, 5), 1e-6);
        assertEquals(0f, pe.get(0, 0));
        assertEquals(1f, pe.get(0, 1));
    }

    @Test
    void rotaryScoresDependOnlyOnRelativePosition() {
        Rotary r = new Rotary(8, 64, 10000);
        Tensor q = Tensor.randn(new Generator(1), 1, 1, 1, 8), k = Tensor.randn(new Generator(2), 1, 1, 1, 8);
        float near = r.apply(q, 5).mul(r.apply(k, 3)).sum().item();     // positions 5 and 3
        float far = r.apply(q, 40).mul(r.apply(k, 38)).sum().item();     // the same distance
        assertEquals(near, far, 1e-4f);
        assertEquals(q.mul(q).sum().item(), r.apply(q, 17).pow(2f).sum().item(), 1e-4f, "rotations keep the norm");
        GradCheck.check(x -> r.apply(x[0], 3), Tensor.randn(new Generator(3), 1, 2, 3, 8));
    }

    @Test
    void prefixKeysAreSeenByEveryQueryAndGetGradients() {
        MultiheadAttention m = new MultiheadAttention(16, 2, 0f, new Generator(1));
        Tensor x = Tensor.randn(new Generator(2), 2, 5, 16);
        Tensor pk = Tensor.randn(new Generator(3), 3, 16).requiresGrad(true), pv = Tensor.randn(new Generator(4), 3, 16).requiresGrad(true);
        Tensor pad = Tensor.fromArray(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, 2, 5).gt(0.5f);
        Tensor out = m.forward(x, x, x, new AttentionMask(pad, null, true), null, new MultiheadAttention.Prefix(pk, pv));
        assertArrayEquals(new int[] {2, 5, 16}, out.shape());
        out.sum().backward();
        assertTrue(pk.grad().abs().sum().item() > 0 && pv.grad().abs().sum().item() > 0);
        // the same prefix given as ordinary (projected) keys: equal when the prefix is written into the keys
        GradCheck.check(p -> m.forward(x, x, x, AttentionMask.CAUSAL, null, new MultiheadAttention.Prefix(p[0], p[1])),
                Tensor.randn(new Generator(5), 2, 16), Tensor.randn(new Generator(6), 2, 16));
    }

    @Test
    void encoderClassifierPoolingSegmentsAndMlmHead() {
        ModelConfig c = ModelConfig.of(30, 16, SMALL.withNormFirst(true), 2).withSegments(2).withEmbeddingNorm(true).withPadId(0);
        EncoderClassifier cls = new EncoderClassifier(c, 3, EncoderClassifier.Pooling.CLS, true, new Generator(1));
        Tensor x = ids(2, 6, 30, 1), seg = ids(2, 6, 2, 2);
        Tensor pad = Tensor.fromArray(new float[] {0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0}, 2, 6).gt(0.5f);
        assertArrayEquals(new int[] {2, 3}, cls.forward(x, pad, seg).shape());
        assertArrayEquals(new int[] {2, 6, 30}, cls.mlmLogits(x, pad, seg).shape());
        assertTrue(cls.namedParameters().containsKey("embeddings.seg.weight"));
        assertTrue(cls.namedParameters().containsKey("encoder.layers.1.self_attn.q_proj.weight"));
        assertTrue(cls.namedParameters().containsKey("encoder.norm.weight"), "pre-LN stacks end in a LayerNorm");

        EncoderClassifier mean = new EncoderClassifier(ModelConfig.of(30, 16, SMALL, 1), 1, EncoderClassifier.Pooling.MEAN, false, new Generator(2));
        mean.eval();
        try (var scope = GradMode.noGrad()) {
            // mean pooling ignores padding: changing a padded token changes nothing
            Tensor a = ids(1, 6, 30, 3);
            long[] v = a.toLongArray();
            v[5] = (v[5] + 1) % 30;
            Tensor onePad = Tensor.fromArray(new float[] {0, 0, 0, 0, 0, 1}, 1, 6).gt(0.5f);
            assertEquals(mean.forward(a, onePad, null).item(), mean.forward(Tensor.fromArray(v, 1, 6), onePad, null).item(), 1e-6f);
        }
    }

    @Test
    void swigluFeedForwardAndGroupedQueryAttentionTrain() {
        LayerConfig c = new LayerConfig(16, 4, 2, 32, 0f, LayerConfig.Activation.SWIGLU, true, 1e-5f);
        DecoderLM lm = new DecoderLM(ModelConfig.of(20, 16, c, 1).withPositions(Positions.ROTARY).withTiedEmbeddings(true), new Generator(3));
        assertTrue(lm.namedParameters().containsKey("decoder.layers.0.linear3.weight"));
        assertEquals(8, lm.namedParameters().get("decoder.layers.0.self_attn.k_proj.weight").size(0), "2 kv heads × 4");
        assertNull(lm.out, "tied output");
        Tensor x = ids(2, 7, 20, 4);
        Tensor loss = F.crossEntropy(lm.forward(x).reshape(14, 20), ids(1, 14, 20, 5).reshape(14));
        loss.backward();
        for (var e : lm.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey() + " gets a gradient");
    }

    @Test
    void encoderDecoderShapesAndCausality() {
        EncoderDecoder m = new EncoderDecoder(ModelConfig.of(25, 16, SMALL, 2).withPositions(Positions.SINUSOIDAL), new Generator(7));
        m.eval();
        Tensor src = ids(2, 5, 25, 1), tgt = ids(2, 4, 25, 2);
        try (var scope = GradMode.noGrad()) {
            Tensor full = m.forward(src, null, tgt, null);
            assertArrayEquals(new int[] {2, 4, 25}, full.shape());
            // changing the last target token cannot change earlier positions' logits
            long[] v = tgt.toLongArray();
            v[3] = (v[3] + 1) % 25;
            Tensor changed = m.forward(src, null, Tensor.fromArray(v, 2, 4), null);
            assertArrayEquals(full.narrow(1, 0, 3).toFloatArray(), changed.narrow(1, 0, 3).toFloatArray(), 1e-6f);
        }
        assertThrows(IllegalArgumentException.class,
                () -> new EncoderDecoder(ModelConfig.of(25, 16, SMALL, 1).withPositions(Positions.ROTARY), new Generator(1)));
    }

    @Test
    void badShapesAreClearErrors() {
        MultiheadAttention m = new MultiheadAttention(16, 2, 0f, new Generator(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(2, 3, 8), AttentionMask.NONE));
        assertTrue(e.getMessage().contains("[2, 3, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.zeros(2, 3, 16), AttentionMask.padding(Tensor.zeros(2, 4).gt(0.5f))));
        assertTrue(e.getMessage().contains("key padding mask must be bool [2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerConfig.of(10, 3, 8, 0f, LayerConfig.Activation.RELU));
        DecoderLM lm = new DecoderLM(ModelConfig.of(10, 4, SMALL, 1), new Generator(1));
        e = assertThrows(IllegalArgumentException.class, () -> lm.forward(ids(1, 6, 10, 1)));
        assertTrue(e.getMessage().contains("maxLen 4"), e.getMessage());
    }
}
