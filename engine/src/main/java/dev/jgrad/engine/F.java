package dev.jgrad.engine;

import dev.jgrad.engine.ops.Dropout;
import dev.jgrad.engine.ops.Embedding;
import dev.jgrad.engine.ops.Losses;
import dev.jgrad.engine.ops.Norms;

/**
 * Functional ops beyond {@link Tensor}'s methods, named as in {@code torch.nn.functional}.
 */
public final class F {
    private F() {}

    /** See {@link Norms#layerNorm}. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        return Norms.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /** weight [V, C] gathered at int indices → [indices.shape..., C]. */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        return Embedding.embedding(weight, indices, -1);
    }

    /**
     * As {@link #embedding(Tensor, Tensor)}, with no gradient for row {@code paddingIdx}; a negative index
     * counts from the end (V + paddingIdx), as in PyTorch.
     */
    public static Tensor embedding(Tensor weight, Tensor indices, int paddingIdx) {
        int v = weight.dim() == 2 ? weight.size(0) : 0;
        int row = paddingIdx < 0 ? v + paddingIdx : paddingIdx;
        if (row < 0 || row >= v) {
            throw new IllegalArgumentException("embedding: paddingIdx " + paddingIdx + " is out of range for " + v + " rows");
        }
        return Embedding.embedding(weight, indices, row);
    }

    /** Mean cross-entropy of logits [N, C] against class indices [N]. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return Losses.crossEntropy(logits, targets, null, -100, 0f, Losses.Reduction.MEAN);
    }

    /** See {@link Losses#crossEntropy}. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Tensor weight, int ignoreIndex,
                                      float labelSmoothing, Losses.Reduction reduction) {
        return Losses.crossEntropy(logits, targets, weight, ignoreIndex, labelSmoothing, reduction);
    }

    /** Mean squared error. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return Losses.mseLoss(input, target, Losses.Reduction.MEAN);
    }

    public static Tensor mseLoss(Tensor input, Tensor target, Losses.Reduction reduction) {
        return Losses.mseLoss(input, target, reduction);
    }

    /** Inverted dropout; identity when not training. */
    public static Tensor dropout(Tensor x, float p, boolean training, Generator gen) {
        return Dropout.dropout(x, p, training, gen);
    }
}
