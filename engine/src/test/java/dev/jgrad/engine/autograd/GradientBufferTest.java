package dev.jgrad.engine.autograd;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.StoragePool;
import dev.jgrad.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backward reuses gradient buffers (a leaf takes a fresh gradient without a copy; a node's gradients are summed
 * in place; consumed gradients go back to the {@link StoragePool}). These tests build graphs where buffers are
 * shared and check that no gradient leaks into another. The build runs every test with
 * {@code -Djgrad.pool.minFloats=1}, so every float buffer of every gradient check is recycled; the pool tests
 * below size their tensors from {@link StoragePool#MIN_FLOATS} so that they also hold without it.
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

    /** Enough elements to be pooled whatever {@code jgrad.pool.minFloats} is. */
    private static final int POOLED = Math.max(StoragePool.MIN_FLOATS, 64);

    @Test
    void aReleasedStorageComesBackZeroedAndTheOldOneRefusesAccess() {
        StoragePool.clear();
        Storage s = Storage.allocate(DType.FLOAT32, POOLED);
        float[] array = s.floats();
        java.util.Arrays.fill(array, 7f);
        s.release();
        assertTrue(s.isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, s::floats);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
        Storage again = Storage.allocate(DType.FLOAT32, POOLED);
        assertSame(array, again.floats());
        assertArrayEquals(new float[POOLED], again.floats());
        // a storage that wraps the caller's array is never pooled
        float[] mine = filled(POOLED, 1f);
        Storage wrapped = Storage.wrap(mine);
        wrapped.release();
        assertFalse(wrapped.isReleased());
        assertSame(mine, wrapped.floats());
        StoragePool.clear();
    }

    @Test
    void backwardRecyclesOnlyTheGradientsItConsumed() {
        StoragePool.clear();
        Generator gen = new Generator(11);
        int n = POOLED;
        Tensor x = Tensor.randn(gen, n).requiresGrad(true), w = Tensor.randn(gen, n).requiresGrad(true);
        // a chain with a residual fork: every intermediate gradient is allocated by this pass and consumed
        Tensor h = x.mul(w), kept = h.tanh();
        Tensor loss = kept.add(h.mul(h)).mul(0.5f).sum();
        long givenBefore = StoragePool.counts()[1];
        loss.backward();
        assertTrue(StoragePool.counts()[1] > givenBefore, "backward should hand consumed gradients to the pool");
        // what the caller holds (forward tensors, leaf gradients) stays readable and right
        float[] xs = x.detach().toFloatArray(), ws = w.detach().toFloatArray(), hk = kept.detach().toFloatArray();
        float[] dx = x.grad().toFloatArray(), dw = w.grad().toFloatArray();
        for (int i = 0; i < n; i += Math.max(1, n / 97)) {
            float hi = xs[i] * ws[i], t = (float) Math.tanh(hi);
            assertEquals(t, hk[i], 1e-6f);
            float dh = 0.5f * (1 - t * t) + hi; // d/dh of (tanh h + h²)/2
            assertEquals(dh * ws[i], dx[i], 1e-4f * (1 + Math.abs(dh * ws[i])));
            assertEquals(dh * xs[i], dw[i], 1e-4f * (1 + Math.abs(dh * xs[i])));
        }
        // a second step reuses the pooled buffers and gives the same gradients, accumulated
        long takenBefore = StoragePool.counts()[0];
        x.mul(w).tanh().add(x.mul(w).mul(x.mul(w))).mul(0.5f).sum().backward();
        assertTrue(StoragePool.counts()[0] > takenBefore, "the second pass should allocate from the pool");
        float[] dx2 = x.grad().toFloatArray();
        for (int i = 0; i < n; i += Math.max(1, n / 97)) assertEquals(2 * dx[i], dx2[i], 1e-4f * (1 + Math.abs(dx[i])));
        StoragePool.clear();
    }
}
