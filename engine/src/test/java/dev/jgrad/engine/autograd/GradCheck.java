package dev.jgrad.engine.autograd;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;

import java.util.Arrays;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient check. For a function f of leaf tensors, the scalar L = Σ f(x)·w with a fixed
 * random w exercises every output element; autograd's dL/dx is compared with the central difference
 * (L(x + h) − L(x − h)) / 2h for every element of every input.
 *
 * <p>Everything is float32, so the difference quotient carries round-off of about ε_float·|L|/h; with
 * h = 1e-3 and L of order 1–10 that is ~1e-4, hence the tolerances below (PyTorch's own gradcheck insists on
 * float64 for the same reason; jgrad's exactness against PyTorch is checked by the parity suite instead).
 */
public final class GradCheck {
    private GradCheck() {}

    static final double H = 1e-3, ATOL = 3e-3, RTOL = 1e-2;

    /** Checks f's gradient with respect to every input (contiguous float32 leaves that require grad). */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor x : inputs) {
            x.requiresGrad(true);
            x.setGrad(null);
        }
        Tensor out = f.apply(inputs);
        Tensor w = Tensor.uniform(0.5, 1.5, new Generator(99), out.shape());
        out.mul(w).sum().backward();
        float[] wv = w.toFloatArray();
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            Tensor g = x.grad();
            float[] analytic = g == null ? new float[x.numel()] : g.toFloatArray();
            float[] data = x.storage().floats();
            for (int j = 0; j < x.numel(); j++) {
                int idx = x.offset() + j;
                float saved = data[idx];
                data[idx] = (float) (saved + H);
                double plus = loss(f, inputs, wv);
                data[idx] = (float) (saved - H);
                double minus = loss(f, inputs, wv);
                data[idx] = saved;
                double numeric = (plus - minus) / (2 * H);
                if (Math.abs(numeric - analytic[j]) > ATOL + RTOL * Math.abs(numeric)) {
                    fail("gradient of input " + k + " (shape " + Arrays.toString(x.shape()) + ") at element " + j
                            + ": autograd " + analytic[j] + ", finite difference " + numeric);
                }
            }
        }
    }

    private static double loss(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] w) {
        try (var scope = GradMode.noGrad()) {
            float[] out = f.apply(inputs).toFloatArray();
            double s = 0;
            for (int i = 0; i < out.length; i++) s += (double) out[i] * w[i];
            return s;
        }
    }
}
