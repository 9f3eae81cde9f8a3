package dev.jgrad.nn;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModuleTest {
    /** A BERT-shaped toy whose names follow Hugging Face's. */
    static final class SelfAttention extends Module {
        final Linear query, key, value;
        SelfAttention(int h, Generator g) {
            query = registerModule("query", new Linear(h, h, g));
            key = registerModule("key", new Linear(h, h, g));
            value = registerModule("value", new Linear(h, h, g));
        }
    }

    static final class Attention extends Module {
        Attention(int h, Generator g) { registerModule("self", new SelfAttention(h, g)); }
    }

    static final class Layer extends Module {
        Layer(int h, Generator g) {
            registerModule("attention", new Attention(h, g));
            registerModule("LayerNorm", new LayerNorm(h, 1e-12f));
        }
    }

    static final class Encoder extends Module {
        final ModuleList<Layer> layer = registerModule("layer", new ModuleList<>());
        Encoder(int n, int h, Generator g) { for (int i = 0; i < n; i++) layer.add(new Layer(h, g)); }
    }

    static final class Model extends Module {
        final Embedding words;
        final Encoder encoder;
        Model(Generator g) {
            ModuleDict<Embedding> emb = registerModule("embeddings", new ModuleDict<>());
            emb.put("word_embeddings", new Embedding(10, 4, 0, g));
            words = emb.get("word_embeddings");
            encoder = registerModule("encoder", new Encoder(2, 4, g));
            registerBuffer("position_ids", Tensor.arange(8));
            registerBuffer("cache", Tensor.zeros(2), false);
        }
    }

    @Test
    void namesFollowHuggingFace() {
        Model m = new Model(new Generator(0));
        List<String> names = List.copyOf(m.namedParameters().keySet());
        assertEquals("embeddings.word_embeddings.weight", names.get(0));
        assertTrue(names.contains("encoder.layer.0.attention.self.query.weight"));
        assertTrue(names.contains("encoder.layer.1.attention.self.value.bias"));
        assertTrue(names.contains("encoder.layer.1.LayerNorm.weight"));
        assertEquals(1 + 2 * (6 + 2), names.size());
        Map<String, Tensor> sd = m.stateDict();
        assertTrue(sd.containsKey("position_ids"));
        assertFalse(sd.containsKey("cache"), "non-persistent buffers stay out of the state dict");
        assertSame(m.getSubmodule("encoder.layer.1.attention.self"), m.encoder.layer.get(1).namedChildren().get("attention").namedChildren().get("self"));
    }

    @Test
    void trainEvalPropagates() {
        Model m = new Model(new Generator(0));
        m.eval();
        assertFalse(m.getSubmodule("encoder.layer.0.attention.self.query").isTraining());
        m.train();
        assertTrue(m.getSubmodule("encoder.layer.1").isTraining());
    }

    @Test
    void freezingAndCounts() {
        Model m = new Model(new Generator(0));
        long total = 40 + 2 * (3 * (16 + 4) + 8);
        assertEquals(new Module.ParameterCount(total, total), m.parameterCount());
        m.freeze("embeddings.*");
        assertEquals(total - 40, m.parameterCount().trainable());
        assertFalse(m.words.weight.requiresGrad());
        m.freeze("*.bias");
        assertEquals(total - 40 - 2 * (12 + 4), m.parameterCount().trainable());
        m.getSubmodule("encoder").freeze();
        assertEquals(0, m.parameterCount().trainable());
        m.unfreeze("encoder.layer.1.*");
        assertEquals(3 * 20 + 8, m.parameterCount().trainable());
        var e = assertThrows(IllegalArgumentException.class, () -> m.freeze("decoder.*"));
        assertTrue(e.getMessage().contains("matches no parameter"), e.getMessage());
        m.unfreeze();
        assertEquals(total, m.parameterCount().trainable());
    }

    @Test
    void stateDictRoundTripAndReport() {
        Model a = new Model(new Generator(1)), b = new Model(new Generator(2));
        assertNotEquals(a.words.weight.get(1, 1), b.words.weight.get(1, 1));
        Tensor bWeight = b.words.weight;
        LoadReport r = b.loadStateDict(a.stateDict());
        assertTrue(r.isClean());
        assertSame(bWeight, b.words.weight, "loading copies in place");
        for (var e : a.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
        }

        Map<String, Tensor> partial = new LinkedHashMap<>(a.stateDict());
        partial.remove("encoder.layer.0.attention.self.query.bias");
        partial.put("pooler.dense.weight", Tensor.zeros(4, 4));
        var ex = assertThrows(StateDictException.class, () -> b.loadStateDict(partial, true));
        assertEquals(List.of("encoder.layer.0.attention.self.query.bias"), ex.report().missing());
        assertEquals(List.of("pooler.dense.weight"), ex.report().unexpected());
        assertTrue(ex.getMessage().contains("missing keys [encoder.layer.0.attention.self.query.bias]"), ex.getMessage());
        LoadReport loose = b.loadStateDict(partial, false);
        assertEquals(1, loose.missing().size());
        assertEquals(1, loose.unexpected().size());

        Map<String, Tensor> bad = new LinkedHashMap<>(a.stateDict());
        bad.put("encoder.layer.1.LayerNorm.weight", Tensor.zeros(5));
        float before = b.words.weight.get(3, 2);
        var ex2 = assertThrows(StateDictException.class, () -> b.loadStateDict(bad, false));
        assertEquals("encoder.layer.1.LayerNorm.weight", ex2.report().mismatched().get(0).key());
        assertTrue(ex2.getMessage().contains("module [4], state [5]"), ex2.getMessage());
        assertEquals(before, b.words.weight.get(3, 2), "a failed load writes nothing");
    }

    @Test
    void layersForward() {
        Generator g = new Generator(3);
        Linear lin = new Linear(3, 2, false, g);
        assertNull(lin.bias);
        assertEquals(List.of("weight"), List.copyOf(lin.namedParameters().keySet()));
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = lin.forward(x);
        float[] w = lin.weight.toFloatArray();
        assertEquals(w[0] + 2 * w[1] + 3 * w[2], y.get(0, 0), 1e-5);

        RMSNorm rms = new RMSNorm(3, 0f, true);
        float[] r = rms.forward(x).toFloatArray();
        double s = Math.sqrt((1 + 4 + 9) / 3.0);
        assertEquals(1 / s, r[0], 1e-6);
        assertEquals(3 / s, r[2], 1e-6);

        Embedding emb = new Embedding(5, 2, 1, g);
        assertArrayEquals(new float[] {0, 0}, emb.weight.select(0, 1).contiguousCopy().toFloatArray());
        Tensor e = emb.forward(Tensor.fromArray(new long[] {1, 2, 1}));
        e.sum().backward();
        assertArrayEquals(new float[] {0, 0}, emb.weight.grad().select(0, 1).contiguousCopy().toFloatArray());
        assertArrayEquals(new float[] {1, 1}, emb.weight.grad().select(0, 2).contiguousCopy().toFloatArray());

        Sequential seq = new Sequential(new Linear(3, 4, g), new Activations.GELU(), new Dropout(0.5f, g),
                new Activations.SiLU(), new Activations.Tanh(), new Activations.ReLU(), new LayerNorm(4));
        assertTrue(seq.namedParameters().containsKey("6.bias"));
        seq.eval();
        Tensor o1 = seq.forward(x), o2 = seq.forward(x);
        assertArrayEquals(o1.toFloatArray(), o2.toFloatArray(), "dropout is the identity in eval mode");
        assertTrue(seq.toString().contains("(0): Linear(in_features=3, out_features=4, bias=true)"), seq.toString());
    }

    @Test
    void dropoutTrains() {
        Dropout d = new Dropout(0.5f, new Generator(7));
        float[] v = d.forward(Tensor.ones(1000)).toFloatArray();
        int zeros = 0;
        for (float f : v) {
            assertTrue(f == 0f || f == 2f);
            if (f == 0f) zeros++;
        }
        assertTrue(zeros > 400 && zeros < 600, "zeros " + zeros);
    }
}
