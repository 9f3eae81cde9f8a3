package dev.jgrad.nn.loss;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.ops.Losses.Reduction;

import java.util.Arrays;

/**
 * Loss functions with PyTorch's names, defaults and reductions ({@code torch.nn.functional.*_loss}). Each
 * returns a 0-d tensor (MEAN, SUM) or per-element losses (NONE), differentiable with respect to the input.
 * Cross-entropy and MSE are the engine's fused ops; the others are composed of tensor ops, written so their
 * gradients equal PyTorch's also at the kinks (e.g. BCE at logit 0).
 */
public final class Loss {
    private Loss() {}

    /** Cross-entropy of logits [N, C] (or [C], [N, C, d...]) against class indices, mean over targets. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return F.crossEntropy(logits, targets);
    }

    /**
     * PyTorch's {@code F.cross_entropy}: per-class {@code weight} [C] (or null), targets equal to
     * {@code ignoreIndex} (PyTorch default −100) contribute nothing and are not counted by MEAN, and
     * {@code labelSmoothing} ε mixes the one-hot target with the uniform distribution.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Tensor weight, int ignoreIndex,
                                      float labelSmoothing, Reduction reduction) {
        return F.crossEntropy(logits, targets, weight, ignoreIndex, labelSmoothing, reduction);
    }

    /** Mean squared error; input and target share a shape. */
    public static Tensor mse(Tensor input, Tensor target) {
        return F.mseLoss(input, target, Reduction.MEAN);
    }

    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        return F.mseLoss(input, target, reduction);
    }

    /** Mean absolute error |input − target|; the gradient at zero difference is 0, as in PyTorch. */
    public static Tensor l1(Tensor input, Tensor target, Reduction reduction) {
        sameShape("l1", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    public static Tensor l1(Tensor input, Tensor target) {
        return l1(input, target, Reduction.MEAN);
    }

    /**
     * Smooth L1 (PyTorch's {@code smooth_l1_loss}): 0.5·d²/β where |d| < β, else |d| − 0.5·β; β = 0 is L1.
     */
    public static Tensor smoothL1(Tensor input, Tensor target, float beta, Reduction reduction) {
        sameShape("smoothL1", input, target);
        if (beta < 0) throw new IllegalArgumentException("smoothL1: beta must be ≥ 0, got " + beta);
        Tensor d = input.sub(target);
        Tensor ad = d.abs();
        if (beta == 0) return reduce(ad, reduction);
        Tensor quadratic = d.mul(d).mul(0.5f / beta);
        return reduce(Tensor.where(ad.lt(beta), quadratic, ad.sub(0.5f * beta)), reduction);
    }

    public static Tensor smoothL1(Tensor input, Tensor target) {
        return smoothL1(input, target, 1f, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy on logits ({@code binary_cross_entropy_with_logits}), computed stably:
     * ℓ = (1−y)·x + (1 + (pw−1)·y)·softplus(−x), times {@code weight}.
     *
     * @param logits    any shape
     * @param target    probabilities, same shape
     * @param weight    broadcastable to the input, or null
     * @param posWeight weight of positive examples, broadcastable over the last (class) dim, or null
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target, Tensor weight, Tensor posWeight, Reduction reduction) {
        sameShape("bceWithLogits", logits, target);
        Tensor zero = Tensor.scalar(0f);
        Tensor nonNeg = logits.ge(zero);
        // softplus(−x) = max(−x, 0) + log(1 + exp(−|x|)), with both kinks resolved by where() so that the
        // gradient at x = 0 is σ(0) − y exactly, and exp never sees a positive argument (no overflow).
        Tensor negAbs = Tensor.where(nonNeg, logits.neg(), logits);
        Tensor softplusNeg = Tensor.where(nonNeg, zero, logits.neg()).add(negAbs.exp().add(1f).log());
        Tensor lw = posWeight == null ? null : target.mul(posWeight.sub(1f)).add(1f);
        Tensor loss = target.neg().add(1f).mul(logits).add(lw == null ? softplusNeg : lw.mul(softplusNeg));
        if (weight != null) loss = loss.mul(weight);
        return reduce(loss, reduction);
    }

    public static Tensor bceWithLogits(Tensor logits, Tensor target) {
        return bceWithLogits(logits, target, null, null, Reduction.MEAN);
    }

    /**
     * KL divergence as PyTorch's {@code kl_div}: input holds log-probabilities, target probabilities (or
     * log-probabilities when {@code logTarget}); pointwise ℓ = target·(log target − input), 0 where target = 0.
     * PyTorch's MEAN averages over all elements; for the mathematically correct per-sample mean use
     * {@link #klDivBatchMean}.
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        sameShape("klDiv", input, target);
        Tensor pointwise;
        if (logTarget) {
            pointwise = target.exp().mul(target.sub(input));
        } else {
            Tensor zero = Tensor.scalar(0f);
            Tensor positive = target.gt(0f);
            Tensor safeLog = Tensor.where(positive, target, Tensor.scalar(1f)).log(); // xlogy: 0·log 0 = 0
            pointwise = Tensor.where(positive, target.mul(safeLog), zero).sub(target.mul(input));
        }
        return reduce(pointwise, reduction);
    }

    /** {@code kl_div(..., reduction='batchmean')}: the sum divided by the batch size (dim 0). */
    public static Tensor klDivBatchMean(Tensor input, Tensor target, boolean logTarget) {
        Tensor sum = klDiv(input, target, Reduction.SUM, logTarget);
        return input.dim() == 0 ? sum : sum.div(input.size(0));
    }

    private static Tensor reduce(Tensor losses, Reduction reduction) {
        return switch (reduction) {
            case NONE -> losses;
            case SUM -> losses.sum();
            case MEAN -> losses.mean();
        };
    }

    private static void sameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": input of shape " + Arrays.toString(a.shape())
                    + " and target of shape " + Arrays.toString(b.shape()) + " differ");
        }
    }
}
