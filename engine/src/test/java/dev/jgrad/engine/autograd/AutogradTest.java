package dev.jgrad.engine.autograd;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The rules of the graph: accumulation, no-grad, retention, views, broadcasting, the in-place policy. */
class AutogradTest {

    private static Tensor leaf(float... v) {
        return Tensor.fromArray(v).requiresGrad(true);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = leaf(1, 2, 3);
        x.mul(x).sum().backward();
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {4, 8, 12}, x.grad().toFloatArray()); // 2 · 2x
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = leaf(3);
        Tensor y = x.mul(x).add(x.mul(2f)); // x² + 2x → 2x + 2 = 8
        y.sum().backward();
        assertEquals(8f, x.grad().item());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = leaf(1, 2);
        Tensor y;
        try (var scope = GradMode.noGrad()) {
            y = x.mul(2f);
        }
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertTrue(GradMode.isEnabled(), "the scope restores recording");
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(3f).detach().mul(x);
        y.sum().backward();
        assertArrayEquals(new float[] {3, 6}, x.grad().toFloatArray()); // only the right factor is differentiated
    }

    @Test
    void theGraphIsReleasedUnlessRetained() {
        Tensor x = leaf(1, 2);
        Tensor y = x.exp().sum();
        y.backward(Tensor.scalar(1f), true);
        y.backward(Tensor.scalar(1f), false); // allowed: retained the first time
        assertEquals(2 * Math.E, x.grad().toFloatArray()[0], 1e-5);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void explicitOutputGradient() {
        Tensor x = leaf(1, 2, 3);
        x.mul(2f).backward(Tensor.fromArray(new float[] {1, 10, 100}));
        assertArrayEquals(new float[] {2, 20, 200}, x.grad().toFloatArray());
    }

    @Test
    void backwardOfNonScalarWithoutGradientFails() {
        Tensor x = leaf(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2f).backward());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void broadcastInputsGetGradientsOfTheirOwnShape() {
        Tensor a = Tensor.ones(2, 3).requiresGrad(true);
        Tensor b = Tensor.ones(3).requiresGrad(true);
        Tensor c = Tensor.ones(2, 1).requiresGrad(true);
        a.add(b).add(c).sum().backward();
        assertArrayEquals(new int[] {3}, b.grad().shape());
        assertArrayEquals(new float[] {2, 2, 2}, b.grad().toFloatArray());
        assertArrayEquals(new int[] {2, 1}, c.grad().shape());
        assertArrayEquals(new float[] {3, 3}, c.grad().toFloatArray());
    }

    @Test
    void gradientsThroughViewsReachTheBase() {
        Tensor base = Tensor.arange(6).reshape(2, 3).contiguousCopy().requiresGrad(true);
        Tensor v = base.permute(1, 0).select(0, 2); // base[:, 2]
        v.mul(Tensor.fromArray(new float[] {10, 20})).sum().backward();
        assertArrayEquals(new float[] {0, 0, 10, 0, 0, 20}, base.grad().toFloatArray());
    }

    @Test
    void inPlaceWriteOnATensorSavedForBackwardFailsLoudly() {
        Tensor x = leaf(1, 2, 3);
        Tensor w = Tensor.fromArray(new float[] {4, 5, 6}); // saved by mul for x's gradient
        Tensor y = x.mul(w).sum();
        w.fill_(0f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
    }

    @Test
    void inPlaceOnALeafThatRequiresGradIsRefusedWhileRecording() {
        Tensor x = leaf(1, 2);
        assertThrows(IllegalStateException.class, () -> x.add_(Tensor.ones(2)));
        try (var scope = GradMode.noGrad()) {
            x.add_(Tensor.ones(2)); // optimizers do this
        }
        assertArrayEquals(new float[] {2, 3}, x.toFloatArray());
    }

    @Test
    void inPlaceThroughAViewWritesTheBase() {
        Tensor base = Tensor.zeros(2, 3);
        base.select(1, 1).fill_(7f);
        base.narrow(0, 1, 1).add_(Tensor.ones(3));
        assertArrayEquals(new float[] {0, 7, 0, 1, 8, 1}, base.toFloatArray());
        assertTrue(base.storage().version() >= 2);
    }

    @Test
    void embeddingPaddingRowGetsNoGradient() {
        Tensor w = Tensor.ones(4, 2).requiresGrad(true);
        F.embedding(w, Tensor.fromArray(new long[] {0, 1, 1, 3}), 1).sum().backward();
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 0, 1, 1}, w.grad().toFloatArray());
    }

    @Test
    void integerAndBoolOutputsCarryNoGradient() {
        Tensor x = leaf(1, 5, 3);
        assertFalse(x.argmax(0, false).requiresGrad());
        assertFalse(x.gt(2f).requiresGrad());
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new long[] {1}).requiresGrad(true));
    }

    @Test
    void gradFnNamesFollowPyTorch() {
        Tensor x = leaf(1, 2);
        assertEquals("MulBackward0", x.mul(x).gradFn().name());
        assertEquals("SumBackward1", x.sum(0, false).gradFn().name());
        assertTrue(x.mul(x).toString().endsWith("grad_fn=<MulBackward0>)"));
    }

    @Test
    void aBackwardWritesInPlaceOnlyIntoAGradientNothingElseHolds() {
        // dropout's backward reuses its incoming gradient when only it holds that buffer
        dev.jgrad.engine.Generator gen = new dev.jgrad.engine.Generator(7);
        Tensor x = Tensor.ones(64, 33).requiresGrad(true), b = Tensor.ones(64, 33).requiresGrad(true);
        Tensor a = F.dropout(x, 0.5f, true, gen);
        float[] mask = a.detach().toFloatArray();                    // 0 or 2 where x = 1
        // add's backward hands one fresh gradient (from mul's backward) to a, through dropout, and to the leaf
        // b, which keeps it as its .grad without a copy when it comes first: b's gradient must stay all ones
        Tensor ones = Tensor.ones(64, 33);
        b.add(a).mul(ones).sum().backward();
        assertArrayEquals(ones.toFloatArray(), b.grad().toFloatArray());
        assertArrayEquals(mask, x.grad().toFloatArray());
        x.setGrad(null);
        b.setGrad(null);
        Tensor a1 = F.dropout(x, 0.5f, true, new dev.jgrad.engine.Generator(7));
        a1.add(b).mul(ones).sum().backward();                         // the other order
        assertArrayEquals(ones.toFloatArray(), b.grad().toFloatArray());
        assertArrayEquals(mask, x.grad().toFloatArray());

        // a gradient made by this pass and held by nobody else: reused, and still right
        Tensor x2 = Tensor.ones(64, 33).requiresGrad(true);
        Tensor a2 = F.dropout(x2, 0.5f, true, new dev.jgrad.engine.Generator(7));
        a2.mul(3f).sum().backward();
        float[] expected = mask.clone();
        for (int i = 0; i < expected.length; i++) expected[i] *= 3f;
        assertArrayEquals(expected, x2.grad().toFloatArray());
        assertFalse(Autograd.mayOverwrite(x2.grad()), "outside a backward pass nothing may be overwritten");
    }
}
