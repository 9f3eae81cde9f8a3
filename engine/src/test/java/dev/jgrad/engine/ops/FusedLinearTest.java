package dev.jgrad.engine.ops;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.engine.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Fused#linear} against the unfused composition, and its backward against central finite differences.
 * Finite differences in float32 with h = 1e-2 carry ~1e-3 truncation + rounding error on values of order 1,
 * hence the 2e-2 tolerance; a wrong gradient is off by O(1).
 */
class FusedLinearTest {
    private static final UnaryOp[] ACTIVATIONS = {null, UnaryOp.RELU, UnaryOp.GELU_ERF, UnaryOp.GELU_TANH, UnaryOp.SILU};

    private static Tensor unfused(Tensor x, Tensor w, Tensor b, UnaryOp act) {
        Tensor y = x.matmul(w.mT());
        if (b != null) y = y.add(b);
        return act == null ? y : Elementwise.unaryRaw("ref", act, 0f, 0f, y);
    }

    @Test
    void forwardMatchesUnfusedInTrainingAndInference() {
        Generator gen = new Generator(7);
        for (UnaryOp act : ACTIVATIONS) {
            // 40×50·50ᵀ×30 takes the packed GEMM path; 2×3 the small one
            for (int[] s : new int[][] {{2, 3, 4}, {40, 50, 30}}) {
                Tensor x = Tensor.randn(gen, s[0], s[1]), w = Tensor.randn(gen, s[2], s[1]), b = Tensor.randn(gen, s[2]);
                float[] expected = unfused(x, w, b, act).toFloatArray();
                float[] inference = Fused.linear(x, w, b, act).toFloatArray();
                float[] training = Fused.linear(x.detach().requiresGrad(true), w, b, act).toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], inference[i], 1e-4 * (1 + Math.abs(expected[i])), act + " inference at " + i);
                    assertEquals(expected[i], training[i], 1e-4 * (1 + Math.abs(expected[i])), act + " training at " + i);
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (UnaryOp act : ACTIVATIONS) {
            for (boolean withBias : new boolean[] {true, false}) {
                Generator gen = new Generator(11);
                // a 3-D input exercises the [..., in] flattening; the weight is a transposed view ([in, out] storage)
                Tensor x = Tensor.randn(gen, 2, 3, 5).requiresGrad(true);
                Tensor w = Tensor.randn(gen, 5, 4).mT().requiresGrad(true);
                Tensor b = withBias ? Tensor.randn(gen, 4).requiresGrad(true) : null;
                Tensor r = Tensor.randn(gen, 2, 3, 4);  // random upstream gradient: loss = Σ r·y
                Fused.linear(x, w, b, act).mul(r).sum().backward();
                for (Tensor p : withBias ? new Tensor[] {x, w, b} : new Tensor[] {x, w}) {
                    float[] analytic = p.grad().contiguous().toFloatArray();
                    float[] data = p.storage().floats();
                    for (int i = 0; i < p.numel(); i++) {
                        int at = storageIndex(p, i);
                        float saved = data[at];
                        double plus, minus;
                        try (GradMode.Scope ignored = GradMode.noGrad()) {
                            data[at] = saved + 1e-2f;
                            plus = Fused.linear(x, w, b, act).mul(r).sum().item();
                            data[at] = saved - 1e-2f;
                            minus = Fused.linear(x, w, b, act).mul(r).sum().item();
                        }
                        data[at] = saved;
                        double numeric = (plus - minus) / 2e-2;
                        assertEquals(numeric, analytic[i], 2e-2 * (1 + Math.abs(numeric)), act + " bias=" + withBias + " grad " + i);
                    }
                }
            }
        }
    }

    /** The storage index of the i-th element (row-major order) of p. */
    private static int storageIndex(Tensor p, int i) {
        int[] shape = p.shape(), strides = p.strides();
        int at = p.offset();
        for (int d = shape.length - 1; d >= 0; d--) {
            at += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return at;
    }

    @Test
    void badShapesAndActivationsAreClearErrors() {
        Tensor x = Tensor.zeros(2, 3), w = Tensor.zeros(4, 5);
        assertThrows(IllegalArgumentException.class, () -> Fused.linear(x, w, null, null));
        assertThrows(IllegalArgumentException.class, () -> Fused.linear(x, Tensor.zeros(4, 3), Tensor.zeros(5), null));
        assertThrows(IllegalArgumentException.class, () -> Fused.linear(x, Tensor.zeros(4, 3), null, UnaryOp.EXP));
    }

    @Test
    void adamwStepMatchesTheFormulaAndBumpsVersions() {
        float[] p0 = {0.5f, -1f, 2f}, g0 = {0.1f, -0.2f, 0.3f};
        Tensor p = Tensor.fromArray(p0.clone(), 3), g = Tensor.fromArray(g0, 3), m = Tensor.zeros(3), v = Tensor.zeros(3);
        int vp = p.storage().version(), vm = m.storage().version(), vv = v.storage().version();
        float lr = 0.1f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f;
        Optim.adamwStep(p, g, m, v, lr, b1, b2, eps, wd, 1);
        for (int i = 0; i < 3; i++) {
            double pd = p0[i] * (1 - lr * wd);
            double mi = (1 - b1) * g0[i], vi = (1 - b2) * g0[i] * g0[i];
            pd -= lr * (mi / (1 - b1)) / (Math.sqrt(vi / (1 - b2)) + eps);  // step 1: the update is ±lr
            assertEquals(pd, p.toFloatArray()[i], 1e-6);
            assertEquals(mi, m.toFloatArray()[i], 1e-7);
            assertEquals(vi, v.toFloatArray()[i], 1e-9);
        }
        assertEquals(vp + 1, p.storage().version());
        assertEquals(vm + 1, m.storage().version());
        assertEquals(vv + 1, v.storage().version());
        assertThrows(IllegalArgumentException.class, () -> Optim.adamwStep(p, Tensor.zeros(4), m, v, lr, b1, b2, eps, wd, 1));
        assertThrows(IllegalArgumentException.class, () -> Optim.adamwStep(p, g, m, v, lr, b1, b2, eps, wd, 0));
    }
}
