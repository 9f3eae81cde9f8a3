package dev.jgrad.nn;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.init.Init;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Initialisers: bounds and moments, and determinism given the seed. */
class InitTest {
    private static double[] moments(Tensor t) {
        float[] v = t.toFloatArray();
        double m = 0, s = 0, max = 0;
        for (float f : v) m += f;
        m /= v.length;
        for (float f : v) { s += (f - m) * (f - m); max = Math.max(max, Math.abs(f)); }
        return new double[] {m, Math.sqrt(s / v.length), max};
    }

    @Test
    void distributions() {
        Generator g = new Generator(42);
        Tensor w = Tensor.zeros(200, 300).requiresGrad(true);   // fanIn 300, fanOut 200

        double[] m = moments(Init.xavierUniform_(w, 1, g));
        double b = Math.sqrt(6.0 / 500);
        assertTrue(m[2] <= b && m[2] > 0.99 * b);
        assertEquals(b / Math.sqrt(3), m[1], 0.01 * b);

        m = moments(Init.xavierNormal_(w, 2, g));
        assertEquals(2 * Math.sqrt(2.0 / 500), m[1], 0.02 * m[1]);

        m = moments(Init.kaimingUniform_(w, 0, Init.FanMode.FAN_IN, "relu", g));
        assertTrue(m[2] <= Math.sqrt(6.0 / 300));
        assertEquals(Math.sqrt(2.0 / 300), m[1], 0.02 * m[1]);

        m = moments(Init.kaimingNormal_(w, 0, Init.FanMode.FAN_OUT, "relu", g));
        assertEquals(Math.sqrt(2.0 / 200), m[1], 0.02 * m[1]);

        m = moments(Init.normal_(w, 0.02, g));
        assertEquals(0.02, m[1], 0.0005);
        assertEquals(0, m[0], 0.0005);

        m = moments(Init.truncNormal_(w, 0, 1, -2, 2, g));
        assertTrue(m[2] <= 2);
        assertEquals(0.8796, m[1], 0.01);  // sd of N(0,1) truncated to ±2
        m = moments(Init.truncNormal_(w, 0, 1, 3, 3.001, g));   // a sliver far in the tail: no hang
        assertEquals(3.0005, m[0], 0.001);

        assertEquals(0, moments(Init.zeros_(w))[2]);
        assertEquals(1, Init.ones_(w).get(5, 5));
    }

    @Test
    void pytorchDefaultsAndSeeding() {
        Linear a = new Linear(64, 8, new Generator(5)), b = new Linear(64, 8, new Generator(5));
        assertArrayEquals(a.weight.toFloatArray(), b.weight.toFloatArray());
        assertTrue(moments(a.weight)[2] <= 1 / 8.0);    // U(±1/√64)
        assertTrue(moments(a.bias)[2] <= 1 / 8.0);
        assertEquals(1 / 8.0 / Math.sqrt(3), moments(a.weight)[1], 0.01);
        Embedding e = new Embedding(100, 50, new Generator(5));
        assertEquals(1, moments(e.weight)[1], 0.03);
        assertEquals(Math.sqrt(2), Init.gain("relu", 0), 1e-12);
        assertEquals(5.0 / 3, Init.gain("tanh", 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Init.fans(Tensor.zeros(3)));
    }
}
