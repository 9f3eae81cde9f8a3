package dev.jgrad.engine.autograd;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/**
 * Backward reuses gradient buffers (a leaf takes a fresh gradient without a copy; a node's gradients are summed
 * in place). These tests build graphs where buffers are shared and check that no gradient leaks into another.
 */
class GradientBufferTest {
    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void twoLeavesFedByOneAddGetSeparateBuffers() {
        Tensor x = Tensor.ones(3).requiresGrad(true), w = Tensor.ones(3).requiresGrad(true);
        x.mul(2f).add(w.mul(3f)).sum().backward();
        assertArrayEquals(filled(3, 2f), x.grad().toFloatArray());
        assertArrayEquals(filled(3, 3f), w.grad().toFloatArray());
        x.grad().mul_(10f); // the optimizer may scale one gradient in place: the other must not move
        assertArrayEquals(filled(3, 3f), w.grad().toFloatArray());
        // add's backward hands the same fresh dOut (from mul's backward) to both leaves: one may take it, the
        // other must get a copy
        Tensor a = Tensor.ones(3).requiresGrad(true), b = Tensor.ones(3).requiresGrad(true);
        a.add(b).mul(2f).sum().backward();
        assertNotSame(a.grad().storage(), b.grad().storage());
        a.grad().mul_(10f);
        assertArrayEquals(filled(3, 20f), a.grad().toFloatArray());
        assertArrayEquals(filled(3, 2f), b.grad().toFloatArray());
    }

    @Test
    void aSharedGradientIsNotSummedIntoInPlace() {
        // s = x·1 + (w + w·3): the outer add hands one dOut to x·1 and to the inner add, which hands it on to w
        // and to w·3; w's second contribution must not be summed into that shared buffer while x·1 still
        // waits to read it. Both operand orders, since the order decides which gradient reaches w first.
        float e3 = (float) Math.exp(3.0);
        for (boolean xFirst : new boolean[] {true, false}) {
            Tensor x = Tensor.ones(4).requiresGrad(true), v = Tensor.full(0.25f, 4).requiresGrad(true);
            Tensor x1 = x.mul(1f), w = v.mul(2f), inner = w.add(w.mul(3f));
            (xFirst ? x1.add(inner) : inner.add(x1)).exp().sum().backward(); // s = x + 4w = 3
            assertArrayEquals(filled(4, e3), x.grad().toFloatArray(), 1e-5f);
            assertArrayEquals(filled(4, 8f * e3), v.grad().toFloatArray(), 1e-4f);
        }
    }

    @Test
    void residualBranchesMatchFiniteDifferences() {
        Generator gen = new Generator(7);
        Tensor x = Tensor.randn(gen, 5, 6).mul(0.5f), w = Tensor.randn(gen, 6, 6).mul(0.3f);
        // h = x + tanh(x·w) + (x·w)²/4: three uses of x, two of x·w, summed gradients at every fork
        GradCheck.check(t -> {
            Tensor p = t[0].matmul(t[1]);
            Tensor h = t[0].add(p.tanh()).add(p.mul(p).mul(0.25f));
            return h.tanh().sum();
        }, x.requiresGrad(true), w.requiresGrad(true));
    }
}
