package dev.jgrad.engine.parity;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.cpu.Parallel;
import dev.jgrad.engine.parity.Fixtures.Case;
import dev.jgrad.engine.parity.Fixtures.TensorData;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Forward outputs and input gradients of every engine op against PyTorch 2.x, read from the fixtures that
 * {@code tools/fixtures/engine_ops.py} writes (see its header for the format and how to regenerate).
 *
 * <p>Each case runs once per CPU backend: the Vector API one that jgrad uses by default and the scalar
 * reference, so a vectorized kernel and its naive twin are both held to PyTorch, not just to each other.
 * Dropout draws from jgrad's own generator, not PyTorch's, so {@link DropoutStatistics} checks its statistics.
 */
class TorchParityTest {
    private static final List<Case> CASES = Fixtures.load("/fixtures/engine_ops.json");

    /** |actual − expected| ≤ atol + rtol·|expected|, elementwise (numpy.allclose's rule). */
    record Tolerance(double rtol, double atol) {}

    /** What the issue asks for; enough for a float32 computation of a few roundings per element. */
    static final Tolerance DEFAULT = new Tolerance(1e-5, 1e-6);

    /** Ops that need more, each with the reason. Everything not listed uses {@link #DEFAULT}. */
    static final Map<String, Tolerance> PER_OP = Map.of(
            // A float32 dot product of length K rounds its running sum K times. With unit-normal inputs the
            // partial sums reach ~sqrt(K), so the error grows like u·K (u = 6e-8): ~2e-5 at K = 300, the longest
            // fixture product, which a near-zero output cannot absorb in rtol. A wrong or missing term would be
            // off by O(1), so atol 1e-4 still catches every indexing bug.
            "matmul", new Tolerance(1e-5, 1e-4));

    /** The CPU backends every case runs on: the Vector API one jgrad uses by default, and the scalar reference. */
    private static final List<String> BACKENDS = List.of("vector", "scalar");

    private static Backend backend(String name) {
        return Backends.createCpu(name.equals("vector"));
    }

    @TestFactory
    Stream<DynamicContainer> matchesPyTorch() {
        return BACKENDS.stream().map(name -> {
            Backend backend = backend(name);
            return DynamicContainer.dynamicContainer(name, CASES.stream().map(c ->
                    DynamicTest.dynamicTest(c.name(), () -> onBackend(backend, () -> check(c)))));
        });
    }

    /** Runs {@code body} with {@code backend} as the CPU backend, then puts the previous one back. */
    static void onBackend(Backend backend, Runnable body) {
        Backend previous = Backends.cpu();
        Backends.setCpu(backend);
        try {
            body.run();
        } finally {
            Backends.setCpu(previous);
        }
    }

    /** Builds the case's inputs, runs the op, compares every output, backpropagates and compares every base gradient. */
    static void check(Case c) {
        Tolerance tol = PER_OP.getOrDefault(c.op(), DEFAULT);
        List<Tensor> bases = new ArrayList<>(), inputs = new ArrayList<>();
        for (Fixtures.Input in : c.inputs()) {
            Tensor base = Fixtures.tensor(in.data());
            if (in.requiresGrad()) base.requiresGrad(true);
            bases.add(base);
            inputs.add(Fixtures.applyView(base, in.view()));
        }

        List<Tensor> outputs = JgradOps.run(c.op(), inputs, c.args());
        assertEquals(c.outputs().size(), outputs.size(), c.name() + ": number of outputs");
        for (int i = 0; i < outputs.size(); i++) {
            assertClose(c.name() + ": output " + i, c.outputs().get(i), outputs.get(i), tol);
        }

        backward(outputs, c.gradOuts());
        for (int i = 0; i < bases.size(); i++) {
            TensorData expected = c.grads().get(i);
            if (expected == null) continue;
            Tensor grad = bases.get(i).grad();
            assertNotNull(grad, c.name() + ": input " + i + " got no gradient");
            assertClose(c.name() + ": gradient of input " + i, expected, grad, tol);
        }
    }

    /**
     * PyTorch's {@code autograd.backward(outputs, gradOuts)}: one output backpropagates its upstream gradient
     * directly; several (split, chunk) backpropagate Σ sum(output·gradOut), whose gradient with respect to
     * each output is exactly its gradOut.
     */
    private static void backward(List<Tensor> outputs, List<TensorData> gradOuts) {
        List<Integer> differentiated = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) if (gradOuts.get(i) != null) differentiated.add(i);
        if (differentiated.size() == 1) {
            int i = differentiated.get(0);
            outputs.get(i).backward(Fixtures.tensor(gradOuts.get(i)));
        } else if (differentiated.size() > 1) {
            Tensor total = null;
            for (int i : differentiated) {
                Tensor term = outputs.get(i).mul(Fixtures.tensor(gradOuts.get(i))).sum();
                total = total == null ? term : total.add(term);
            }
            total.backward();
        }
    }

    /** Same dtype and shape, and values within {@code tol}; infinities must match exactly, NaN matches NaN. */
    static void assertClose(String what, TensorData expected, Tensor actual, Tolerance tol) {
        assertEquals(expected.dtype(), actual.dtype().torchName, what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.values();
        float[] a = actual.toFloatArray();
        int bad = 0, worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double want = (float) e[i], got = a[i];
            boolean ok;
            if (Double.isNaN(want) || Double.isInfinite(want)) {
                ok = Double.compare(want, got) == 0;
            } else {
                ok = Math.abs(got - want) <= tol.atol() + tol.rtol() * Math.abs(want);
            }
            if (!ok) {
                bad++;
                double excess = Double.isFinite(got - want) ? Math.abs(got - want) / (tol.atol() + tol.rtol() * Math.abs(want)) : Double.POSITIVE_INFINITY;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad > 0) {
            float[] want = new float[e.length];
            for (int i = 0; i < e.length; i++) want[i] = (float) e[i];
            fail(String.format("%s: %d of %d elements differ beyond rtol %.0e, atol %.0e; worst at flat index %d: "
                            + "expected %.9g, got %.9g%nexpected %s%nactual   %s",
                    what, bad, e.length, tol.rtol(), tol.atol(), worst, want[worst], a[worst],
                    Arrays.toString(want), Arrays.toString(a)));
        }
    }

    /**
     * Dropout cannot match PyTorch bit for bit (the masks come from different generators), so this checks
     * what makes it correct: the kept fraction, the 1/(1−p) scaling that keeps the expectation, the gradient
     * following the mask, identity in eval mode, and reproducibility from a seed.
     */
    @Nested
    class DropoutStatistics {
        private static final int N = 100_000;
        private static final float P = 0.3f;

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"vector", "scalar"})
        void keepsOneMinusPAndScalesSurvivors(String backend) {
            onBackend(backend(backend), () -> {
                Tensor x = Tensor.ones(N).requiresGrad(true);
                Tensor y = F.dropout(x, P, true, new Generator(7));
                float[] v = y.toFloatArray();
                float scale = 1f / (1f - P);
                int kept = 0;
                for (float e : v) {
                    if (e != 0f) {
                        assertEquals(scale, e, 1e-6f, "a kept element of ones is 1/(1-p)");
                        kept++;
                    }
                }
                // kept ~ Binomial(N, 1-p): standard deviation sqrt(N·p·(1−p)) ≈ 145, so 5σ ≈ 725 elements.
                double sigma = Math.sqrt(N * P * (1 - P));
                assertTrue(Math.abs(kept - N * (1 - P)) < 5 * sigma, "kept " + kept + " of " + N + " at p=" + P);
                // The scaling makes the mean an unbiased estimate of the input's mean (1), within the same 5σ.
                assertEquals(1.0, y.mean().item(), 5 * sigma * scale / N);

                // d(x·mask·scale)/dx = mask·scale: for x of ones, exactly the output itself.
                y.backward(Tensor.ones(N));
                assertArrayEquals(v, x.grad().toFloatArray());
            });
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"vector", "scalar"})
        void isIdentityInEvalModeAndForPZero(String backend) {
            onBackend(backend(backend), () -> {
                Tensor x = Tensor.randn(new Generator(1), 4, 5);
                assertSame(x, F.dropout(x, P, false, new Generator(2)), "eval mode returns the input");
                assertArrayEquals(x.toFloatArray(), F.dropout(x, 0f, true, new Generator(2)).toFloatArray(), "p = 0");
                float[] dropped = F.dropout(x, 1f, true, new Generator(2)).toFloatArray();
                assertArrayEquals(new float[dropped.length], dropped, "p = 1 drops everything");
            });
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"vector", "scalar"})
        void sameSeedGivesSameMask(String backend) {
            onBackend(backend(backend), () -> {
                Tensor x = Tensor.ones(1000);
                float[] a = F.dropout(x, P, true, new Generator(42)).toFloatArray();
                float[] b = F.dropout(x, P, true, new Generator(42)).toFloatArray();
                float[] c = F.dropout(x, P, true, new Generator(43)).toFloatArray();
                assertArrayEquals(a, b, "same seed, same mask");
                assertNotEquals(Arrays.toString(a), Arrays.toString(c), "another seed, another mask");
            });
        }

        /**
         * The fused host kernel (mask regenerated from its key in backward, never stored) gives the bits of the
         * composed form x·bernoulli(1 − p, 1/(1 − p)) drawn with the same seed, forward and backward, also for
         * a non-contiguous input.
         */
        @Test
        void fusedEqualsComposedForwardAndBackward() {
            Tensor base = Tensor.randn(new Generator(3), 37, 29);
            for (boolean transposed : new boolean[] {false, true}) {
                Tensor x1 = base.clone().requiresGrad(true), x2 = base.clone().requiresGrad(true);
                Tensor in1 = transposed ? x1.mT() : x1, in2 = transposed ? x2.mT() : x2;
                Tensor fused = F.dropout(in1, P, true, new Generator(11));
                Tensor mask = dev.jgrad.engine.ops.Creation.bernoulli(1.0 - P, 1f / (1f - P), new Generator(11), in2.shape());
                Tensor composed = in2.mul(mask);
                assertArrayEquals(composed.toFloatArray(), fused.toFloatArray(), "forward, transposed=" + transposed);
                Tensor dy = Tensor.randn(new Generator(4), in1.shape());
                fused.backward(dy);
                composed.backward(dy);
                assertArrayEquals(x2.grad().toFloatArray(), x1.grad().toFloatArray(), "backward, transposed=" + transposed);
            }
        }

        /** The mask is a counter-based stream keyed by one draw: threads fill disjoint ranges of it. */
        @Test
        void maskDoesNotDependOnTheThreadCountAndAdvancesTheGenerator() {
            Tensor x = Tensor.ones(3 * (1 << 16) + 1); // several parallel grains and an odd tail
            int before = Parallel.threads();
            try {
                Parallel.setThreads(1);
                float[] one = F.dropout(x, P, true, new Generator(5)).toFloatArray();
                Parallel.setThreads(3);
                float[] three = F.dropout(x, P, true, new Generator(5)).toFloatArray();
                assertArrayEquals(one, three);
            } finally {
                Parallel.setThreads(before);
            }
            Generator gen = new Generator(9);
            float[] first = F.dropout(x, P, true, gen).toFloatArray(), second = F.dropout(x, P, true, gen).toFloatArray();
            assertNotEquals(Arrays.toString(first), Arrays.toString(second), "each call draws a new key");
        }
    }
}
