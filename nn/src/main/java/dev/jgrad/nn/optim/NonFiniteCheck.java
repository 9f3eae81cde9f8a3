package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;

import java.util.Map;

/**
 * Stops training at the first NaN or Inf instead of letting it silently spread into every weight.
 * Call {@link #checkLoss} after the forward pass and {@link #checkGradients} after backward.
 */
public final class NonFiniteCheck {
    private NonFiniteCheck() {}

    /** Throws if the loss (any shape) holds a NaN or infinity. */
    public static void checkLoss(Tensor loss, long step) {
        for (float f : loss.toFloatArray()) {
            if (!Float.isFinite(f)) {
                throw new NonFiniteException("non-finite loss (" + f + ") at step " + step, step);
            }
        }
    }

    /** Throws naming the first parameter whose gradient holds a NaN or infinity. */
    public static void checkGradients(Map<String, Tensor> namedParams, long step) {
        for (var e : namedParams.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) continue;
            float[] v = g.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new NonFiniteException("non-finite gradient (" + v[i] + ") in parameter '" + e.getKey()
                            + "' (element " + i + ") at step " + step, step);
                }
            }
        }
    }
}
