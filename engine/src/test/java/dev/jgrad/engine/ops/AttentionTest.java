package dev.jgrad.engine.ops;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradCheck;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.ops.Attention.Impl;
import dev.jgrad.engine.ops.Attention.Options;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The fused (online-softmax) attention equals the plain composition, forward and backward, on both backends. */
class AttentionTest {

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }

    /** Key padding as PyTorch passes it to SDPA: [B, 1, 1, Tk], true = attend. */
    private static Tensor keepKeys(int b, int tk, int... padFrom) {
        float[] keep = new float[b * tk];
        for (int i = 0; i < b; i++) for (int j = 0; j < tk; j++) keep[i * tk + j] = j < padFrom[i] ? 1 : 0;
        return Tensor.fromArray(keep, b, 1, 1, tk).gt(0.5f);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * (1 + Math.abs(e[i])), what + " at " + i);
        }
    }

    private static void fusedMatchesMath(int b, int h, int tq, int tk, int d, Options o) {
        Tensor[] grads = new Tensor[6];
        Tensor[] outs = new Tensor[2];
        int slot = 0;
        for (Impl impl : new Impl[] {Impl.MATH, Impl.FUSED}) {
            Tensor q = randn(1, b, h, tq, d).requiresGrad(true), k = randn(2, b, h, tk, d).requiresGrad(true),
                    v = randn(3, b, h, tk, d + 1).requiresGrad(true);
            Tensor out = Attention.scaledDotProduct(q, k, v, o.withImpl(impl));
            out.backward(randn(4, out.shape()));
            outs[slot] = out;
            grads[3 * slot] = q.grad();
            grads[3 * slot + 1] = k.grad();
            grads[3 * slot + 2] = v.grad();
            slot++;
        }
        assertClose(outs[0], outs[1], 1e-5, "out");
        assertClose(grads[0], grads[3], 1e-4, "dq");
        assertClose(grads[1], grads[4], 1e-4, "dk");
        assertClose(grads[2], grads[5], 1e-4, "dv");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void fusedEqualsMathOnBothBackends(boolean vector) {
        Backend before = Backends.cpu();
        Backends.setCpu(Backends.createCpu(vector));
        try {
            fusedMatchesMath(2, 3, 7, 7, 8, Options.DEFAULT);
            fusedMatchesMath(1, 2, 33, 70, 16, Options.DEFAULT);                          // several key blocks
            fusedMatchesMath(1, 2, 21, 70, 24, Options.DEFAULT.withCausal(true));         // head dim past whole vectors
            fusedMatchesMath(2, 2, 20, 20, 8, Options.DEFAULT.withCausal(true));
            fusedMatchesMath(1, 2, 5, 70, 8, Options.DEFAULT.withCausal(true));           // decoding: Tq < Tk
            fusedMatchesMath(2, 2, 9, 9, 8, Options.DEFAULT.withMask(keepKeys(2, 9, 9, 6)));
            fusedMatchesMath(2, 2, 9, 9, 8, Options.DEFAULT.withMask(keepKeys(2, 9, 4, 9)).withCausal(true));
            fusedMatchesMath(1, 2, 6, 9, 8, Options.DEFAULT.withMask(randn(9, 6, 9)).withScale(0.3f)); // additive
        } finally {
            Backends.setCpu(before);
        }
    }

    @Test
    void fusedPassesTheGradientCheck() {
        Tensor keep = keepKeys(1, 5, 4);
        Options o = Options.DEFAULT.withImpl(Impl.FUSED).withMask(keep).withCausal(true);
        GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2], o), randn(1, 1, 2, 5, 3), randn(2, 1, 2, 5, 3), randn(3, 1, 2, 5, 2));
    }

    @Test
    void mathPathWithDropoutPassesTheGradientCheck() {
        GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2],
                Options.DEFAULT.withDropout(0.2f, new Generator(7))), randn(1, 1, 1, 4, 3), randn(2, 1, 1, 4, 3), randn(3, 1, 1, 4, 3));
    }

    @Test
    void groupedQueryAttentionSharesKeyValueHeads() {
        Tensor q = randn(1, 1, 4, 5, 8), k = randn(2, 1, 2, 5, 8), v = randn(3, 1, 2, 5, 8);
        Tensor out = Attention.scaledDotProduct(q, k, v, Options.DEFAULT);
        // query heads 0,1 use kv head 0; heads 2,3 use kv head 1
        Tensor head3 = Attention.scaledDotProduct(q.narrow(1, 3, 1), k.narrow(1, 1, 1), v.narrow(1, 1, 1), Options.DEFAULT);
        assertClose(head3, out.narrow(1, 3, 1), 1e-6, "head 3");
    }

    @Test
    void fullyMaskedRowIsNaNInBothPaths() {
        Tensor q = randn(1, 1, 1, 2, 4), k = randn(2, 1, 1, 3, 4), v = randn(3, 1, 1, 3, 4);
        Tensor none = Tensor.zeros(1, 1, 1, 3).gt(0.5f);
        for (Impl impl : new Impl[] {Impl.MATH, Impl.FUSED}) {
            float[] out = Attention.scaledDotProduct(q, k, v, Options.DEFAULT.withMask(none).withImpl(impl)).toFloatArray();
            assertTrue(Float.isNaN(out[0]), impl + " gives NaN like PyTorch");
        }
    }
}
