package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients together so that their global p-norm (the norm of the per-parameter norms) is at
     * most {@code maxNorm}: each gradient is multiplied by min(1, maxNorm / (total + 1e-6)). Parameters
     * without a gradient are ignored. {@code normType} may be {@link Double#POSITIVE_INFINITY}.
     *
     * @return the total norm before clipping (NaN or infinite when a gradient is; nothing is scaled then
     *         if the coefficient is NaN, so that a NaN check afterwards still sees the culprit)
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType) {
        if (!(normType > 0)) throw new IllegalArgumentException("norm type must be positive, got " + normType);
        double total = 0;
        boolean inf = Double.isInfinite(normType);
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            for (float f : p.grad().toFloatArray()) {
                double a = Math.abs(f);
                total = inf ? Math.max(total, a) : total + (normType == 2 ? a * a : Math.pow(a, normType));
                if (Double.isNaN(a)) total = Double.NaN;
            }
        }
        if (!inf) total = normType == 2 ? Math.sqrt(total) : Math.pow(total, 1 / normType);
        double coef = Math.min(1.0, maxNorm / (total + 1e-6));
        if (coef < 1.0) {
            try (var scope = GradMode.noGrad()) {
                for (Tensor p : params) if (p.grad() != null) p.setGrad(p.grad().mul((float) coef));
            }
        }
        return total;
    }

    /** Global 2-norm clipping. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0);
    }

    /** Clamps every gradient element into [−clipValue, clipValue]. */
    public static void clipGradValue(Iterable<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) throw new IllegalArgumentException("clip value must be ≥ 0, got " + clipValue);
        try (var scope = GradMode.noGrad()) {
            for (Tensor p : params) {
                if (p.grad() != null) p.setGrad(p.grad().clamp((float) -clipValue, (float) clipValue));
            }
        }
    }
}
