package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;

/**
 * Loss functions. Cross-entropy is one fused op per row (log-softmax, pick, smoothing) whose backward is the
 * familiar softmax − one-hot; the reduction on top is plain tensor ops, so it needs no backward of its own.
 */
public final class Losses {
    private Losses() {}

    /** How per-element losses are combined. */
    public enum Reduction { NONE, MEAN, SUM }

    /**
     * PyTorch's {@code F.cross_entropy} with class-index targets.
     *
     * @param logits    [C], [N, C] or [N, C, d1, ...] (classes in dim 1, as in PyTorch)
     * @param targets   int64/int32 of shape [], [N] or [N, d1, ...]
     * @param weight    per-class weights [C], or null
     * @param ignoreIndex targets equal to this contribute nothing (and are not counted by MEAN)
     * @param labelSmoothing ε in [0, 1]: the target distribution is (1−ε)·one-hot + ε/C
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Tensor weight, int ignoreIndex,
                                      float labelSmoothing, Reduction reduction) {
        Support.requireFloat("crossEntropy", logits, weight);
        if (targets.dtype() != DType.INT64 && targets.dtype() != DType.INT32) {
            throw new IllegalArgumentException("crossEntropy: targets must be class indices (int64 or int32), got "
                    + targets.dtype() + " of shape " + Support.str(targets.shape()));
        }
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        int[] ls = logits.shape(), ts = targets.shape();
        int classDim = ls.length == 1 ? 0 : 1;
        int c = ls.length == 0 ? 0 : ls[classDim];
        int[] expected = new int[Math.max(0, ls.length - 1)];
        for (int i = 0, j = 0; i < ls.length; i++) if (i != classDim) expected[j++] = ls[i];
        if (ls.length == 0 || !java.util.Arrays.equals(ts, expected)) {
            throw new IllegalArgumentException("crossEntropy: logits of shape " + Support.str(ls)
                    + " need targets of shape " + Support.str(expected) + ", got " + Support.str(ts));
        }
        if (weight != null && !java.util.Arrays.equals(weight.shape(), new int[] {c})) {
            throw new IllegalArgumentException("crossEntropy: weight of shape " + Support.str(weight.shape())
                    + " does not match " + c + " classes");
        }
        Tensor rowsView = ls.length > 2 ? logits.transpose(1, ls.length - 1) : logits; // classes last
        Tensor losses = rowLosses(rowsView, targets, weight, ignoreIndex, labelSmoothing, c);
        if (ls.length > 2) { // [N, dk..., d1] order back to targets' [N, d1, ..., dk]
            int[] back = new int[ts.length];
            back[0] = 0;
            for (int i = 1; i < ts.length; i++) back[i] = i;
            back[1] = ts.length - 1;
            back[ts.length - 1] = 1;
            losses = losses.reshape(transposedShape(ts)).permute(back);
        } else {
            losses = losses.reshape(ts);
        }
        return switch (reduction) {
            case NONE -> losses;
            case SUM -> losses.sum();
            case MEAN -> losses.sum().div(meanDenominator(targets, weight, ignoreIndex));
        };
    }

    private static int[] transposedShape(int[] ts) {
        int[] s = ts.clone();
        int t = s[1];
        s[1] = s[s.length - 1];
        s[s.length - 1] = t;
        return s;
    }

    /** Per-row loss of logits [..., C] (any layout) → [rows], recorded. */
    private static Tensor rowLosses(Tensor logits, Tensor targets, Tensor weight, int ignoreIndex, float eps, int c) {
        Backend be = Support.backend("crossEntropy", logits, targets, weight);
        Tensor x = Views.copyDetachedIfNeeded(logits.detach());
        int rows = x.numel() / Math.max(c, 1);
        // targets must follow the same row order as the (possibly transposed) logits
        Tensor t = logits.dim() > 2 ? Views.copyDetachedIfNeeded(targets.transpose(1, targets.dim() - 1)) : Views.copyDetachedIfNeeded(targets);
        Tensor w = weight == null ? null : Views.copyDetachedIfNeeded(weight.detach());
        Tensor logp = Support.empty(be, DType.FLOAT32, rows, c);
        be.softmax(true, x.storage(), rows, c, logp.storage());
        Tensor loss = Support.empty(be, DType.FLOAT32, rows);
        be.crossEntropy(logp.storage(), t.storage(), w == null ? null : w.storage(), rows, c, ignoreIndex, eps, loss.storage());
        Saved slogp = Saved.of(logp, "crossEntropy");
        int[] xs = x.shape();
        return Autograd.record("CrossEntropyBackward0", loss, new Tensor[] {logits}, g -> {
            Tensor dlogits = Support.empty(be, DType.FLOAT32, xs);
            be.crossEntropyBackward(slogp.get().storage(), t.storage(), w == null ? null : w.storage(),
                    Views.copyDetachedIfNeeded(g).storage(), rows, c, ignoreIndex, eps, dlogits.storage());
            return new Tensor[] {dlogits};
        });
    }

    /** PyTorch's MEAN: divide by the summed weight of the non-ignored targets (their count without weights). */
    private static float meanDenominator(Tensor targets, Tensor weight, int ignoreIndex) {
        long[] t = targets.toLongArray();
        float[] w = weight == null ? null : weight.toFloatArray();
        double total = 0;
        for (long v : t) if (v != ignoreIndex) total += w == null ? 1.0 : w[(int) v];
        return (float) total;
    }

    /** Mean squared error, composed: (a − b)² reduced. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mseLoss: input of shape " + Support.str(input.shape())
                    + " and target of shape " + Support.str(target.shape()) + " differ");
        }
        Tensor d = input.sub(target);
        return reduce(d.mul(d), reduction);
    }

    /** Applies a reduction to per-element losses. */
    public static Tensor reduce(Tensor losses, Reduction reduction) {
        return switch (reduction) {
            case NONE -> losses;
            case SUM -> losses.sum();
            case MEAN -> losses.mean();
        };
    }
}
