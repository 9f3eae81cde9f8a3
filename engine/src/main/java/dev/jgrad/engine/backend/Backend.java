package dev.jgrad.engine.backend;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;

/**
 * The narrow seam between the math and the hardware: every kernel jgrad runs goes through one of these
 * methods. Ops in {@code dev.jgrad.engine.ops} decide shapes, broadcasting and gradients; a backend only
 * moves and computes numbers.
 *
 * <p>Conventions. Inputs are read through a {@link Layout} (any strides, stride 0 for broadcast dims) unless a
 * comment says "contiguous". Outputs are always fresh contiguous storages allocated by the caller, except
 * where a method says it accumulates. Row-wise kernels ({@code softmax}, {@code layerNorm}, ...) see their
 * input as a contiguous {@code [rows, cols]} matrix: the op moved the working dim last beforehand.
 *
 * <p>Implementations: {@code ScalarBackend} is the naive reference every test compares against;
 * {@code VectorBackend} uses the JDK Vector API and the thread pool. A CUDA backend plugs in here.
 */
public interface Backend {

    /** A short name printed by {@code jgrad info}, e.g. {@code cpu-vector}. */
    String name();

    /** The device whose storages this backend computes on. */
    Device device();

    /** A zero-filled storage of {@code size} elements. */
    Storage allocate(DType dtype, int size);

    /** Copies {@code src} read through {@code s} into {@code dst} written through {@code d} (same shape), converting dtype. */
    void copy(Storage src, Layout s, Storage dst, Layout d);

    /** Writes {@code value} into every element of {@code dst} selected by {@code d}. */
    void fill(Storage dst, Layout d, double value);

    /** out = op(x) elementwise, with parameters {@code a, b} where the op takes them; out is contiguous of x's shape. */
    void unary(UnaryOp op, float a, float b, Storage x, Layout xl, Storage out);

    /** out = op(a, b); both layouts already have the output's shape (broadcast dims have stride 0). */
    void binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage out);

    /** out = a (op) b as bool bytes; layouts as in {@link #binary}. */
    void compare(CompareOp op, Storage a, Layout al, Storage b, Layout bl, Storage out);

    /** out = cond ? a : b; all three layouts already have the output's shape. cond is bool. */
    void where(Storage cond, Layout cl, Storage a, Layout al, Storage b, Layout bl, Storage out);

    /** x contiguous [outer, len, inner] → out [outer, inner], reducing the middle axis. */
    void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out);

    /**
     * x contiguous [outer, len, inner] → values [outer, inner] (float32) and indices (int64) of the max (or
     * min) along the middle axis; the first occurrence wins ties, as in PyTorch.
     */
    void argReduce(boolean max, Storage x, int outer, int len, int inner, Storage values, Storage indices);

    /** The batched matrix product described by {@code g}. */
    void gemm(Gemm g);

    /**
     * Several independent products (none writes what another reads), as if by {@link #gemm} one after the
     * other. Matmul issues one per outer batch index when batch dims do not collapse into one stride
     * (attention heads: B products of H heads each); a backend may run all their matrices as one parallel job.
     */
    default void gemmAll(Gemm[] products) {
        for (Gemm g : products) gemm(g);
    }

    /** Row-wise softmax (or log-softmax) of contiguous x: [rows, cols]. */
    void softmax(boolean log, Storage x, int rows, int cols, Storage out);

    /**
     * Gradient of {@link #softmax} from its output y and the upstream gradient dy (both contiguous [rows, cols]):
     * softmax: dx = y·(dy − Σ dy·y); log-softmax: dx = dy − exp(y)·Σ dy.
     */
    void softmaxBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx);

    /**
     * Row-wise layer normalization of contiguous x: [rows, cols]: out = (x − mean)·rstd·w + b. Writes the
     * per-row {@code mean} and {@code rstd} (1/sqrt(var + eps), biased variance) that backward reuses.
     * w and b may be null.
     */
    void layerNorm(Storage x, Storage w, Storage b, int rows, int cols, float eps, Storage out, Storage mean, Storage rstd);

    /**
     * Gradients of {@link #layerNorm}: writes dx (always) and accumulates dw, db when they are non-null.
     * Reads only x, w and the saved mean/rstd.
     */
    void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage dy, int rows, int cols,
                           Storage dx, Storage dw, Storage db);

    /** out[i, :] = table[idx[i], :] for contiguous table [V, cols] and n int64/int32 indices. Bad indices throw. */
    void gatherRows(Storage table, int rows, int cols, Storage idx, int n, Storage out);

    /** table[idx[i], :] += src[i, :], the gradient of {@link #gatherRows}. */
    void scatterAddRows(Storage src, int cols, Storage idx, int n, Storage table);

    /**
     * Cross-entropy per row from log-probabilities logp: [rows, cols] and int64 targets, with PyTorch's
     * semantics for class weights w (null means all ones) and label smoothing ε:
     * loss[r] = −((1−ε)·w[t]·logp[r, t] + ε/C·Σ_c w[c]·logp[r, c]), and 0 where t == ignoreIndex.
     * Targets outside [0, C) (other than ignoreIndex) throw.
     */
    void crossEntropy(Storage logp, Storage targets, Storage weights, int rows, int cols, int ignoreIndex,
                      float smoothing, Storage loss);

    /**
     * d logits from the saved logp and the upstream dloss[r]: with p = exp(logp) and W = Σ_c w[c],
     * dlogits[r, c] = dloss[r]·((1−ε)·w[t]·(p_c − [c == t]) + ε/C·(W·p_c − w[c])), zero rows where t is ignored.
     */
    void crossEntropyBackward(Storage logp, Storage targets, Storage weights, Storage dloss, int rows, int cols,
                              int ignoreIndex, float smoothing, Storage dlogits);

    /**
     * Fused scaled dot-product attention, forward: out = softmax(q·kᵀ·scale + bias, causal mask)·v, computed
     * block by block with an online softmax so the [Tq, Tk] score matrix is never stored. Writes out
     * [B, H, Tq, Dv] and the per-row log-sum-exp lse [B, H, Tq] that backward uses to recompute the weights.
     * bias may be null. A row whose keys are all masked yields NaN, as the unfused softmax does.
     */
    void attentionForward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                          Storage out, Storage lse);

    /**
     * Fused attention, backward: from dOut and what forward saved (q, k, v, out, lse) writes dq, dk, dv.
     * The weights P are recomputed from lse tile by tile; with D_i = Σ dOut_i·out_i,
     * dS = P ⊙ (dOut·vᵀ − D), dq = dS·k·scale, dk = dSᵀ·q·scale, dv = Pᵀ·dOut.
     */
    void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                           Storage out, Storage lse, Storage dOut, Storage dq, Storage dk, Storage dv);

    /**
     * One fused AdamW step over n contiguous float32 elements, in place, with PyTorch's {@code AdamW} semantics:
     * <pre>
     * p -= lr·wd·p                         (decoupled weight decay)
     * m  = β1·m + (1−β1)·g
     * v  = β2·v + (1−β2)·g²
     * p -= lr · (m / bias1) / (sqrt(v / bias2) + eps)
     * </pre>
     * where {@code bias1 = 1 − β1^t} and {@code bias2 = 1 − β2^t} are the bias corrections of step t (pass 1
     * for none). One pass reads p, g, m, v and writes p, m, v: 7 floats of traffic per parameter, instead of
     * the ~20 that the same update written as separate tensor ops costs.
     */
    void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
               float eps, float weightDecay, float bias1, float bias2);
}
