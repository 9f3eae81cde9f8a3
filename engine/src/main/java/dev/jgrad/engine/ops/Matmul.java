package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.Layout;

/**
 * Matrix products with NumPy/PyTorch semantics. 1-D operands are promoted to matrices and the added dim is
 * removed from the result; batch dims (all but the last two) broadcast. Operands are passed to the GEMM kernel
 * as strides, never copied: transposed ones (the backward products g·Bᵀ, Aᵀ·g), broadcast ones and permuted
 * batch dims (attention heads) alike.
 */
public final class Matmul {
    private Matmul() {}

    public static Tensor matmul(Tensor a, Tensor b) {
        Support.requireFloat("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dim, got shapes "
                    + Support.str(a.shape()) + " and " + Support.str(b.shape()));
        }
        Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;   // [K] -> [1, K]
        Tensor b2 = b.dim() == 1 ? b.unsqueeze(-1) : b;  // [K] -> [K, 1]
        Tensor out = batched(a2, b2);
        if (a.dim() == 1) out = out.squeeze(-2);
        if (b.dim() == 1) out = out.squeeze(-1);
        return out;
    }

    /** [..., M, K] · [..., K, N] -> [broadcast(...), M, N], recorded. */
    static Tensor batched(Tensor a, Tensor b) {
        return batched(a, b, null);
    }

    /**
     * {@link #matmul} of two operands with batch dims, whose result's memory follows the dim order of
     * {@code like} (a tensor of the result's rank): attention returns its heads [B, H, T, Dv] laid out as
     * [B, T, H, Dv] like its queries, so that merging the heads afterwards is a view instead of a copy.
     */
    static Tensor matmulLike(Tensor a, Tensor b, Tensor like) {
        return batched(a, b, like.layout());
    }

    private static Tensor batched(Tensor a, Tensor b, Layout like) {
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], kb = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Support.str(as) + " and " + Support.str(bs)
                    + " cannot be multiplied (" + m + "x" + k + " and " + kb + "x" + n + ")");
        }
        Saved sa = Saved.of(a, "matmul"), sb = Saved.of(b, "matmul");
        Tensor out = product(a, b, like);
        // each gradient is laid out like its input (as PyTorch's are), so that it flows back through the
        // input's permutes and views without copies
        Layout la = a.layout(), lb = b.layout();
        return Autograd.record("MmBackward0", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? Support.sumToShape(productLike(g, sb.get().mT(), la), as) : null,   // dA = g · Bᵀ
                b.requiresGrad() ? Support.sumToShape(productLike(sa.get().mT(), g, lb), bs) : null}); // dB = Aᵀ · g
    }

    /**
     * x·y laid out like {@code like}. When like holds its rows innermost (a transposed view, such as the kᵀ of
     * attention scores), that is computed as (yᵀ·xᵀ)ᵀ: the GEMM writes rows with unit stride.
     */
    private static Tensor productLike(Tensor x, Tensor y, Layout like) {
        int[] order = like.memoryOrder();
        int rows = like.shape().length - 2;
        if (order != null && order[order.length - 1] == rows && like.shape()[rows] > 1) {
            int[] swap = new int[like.shape().length];
            for (int d = 0; d < swap.length; d++) swap[d] = d;
            swap[rows] = rows + 1;
            swap[rows + 1] = rows;
            return product(y.mT(), x.mT(), like.permute(swap)).mT();
        }
        return product(x, y, like);
    }

    /** The product itself, no graph. */
    static Tensor product(Tensor a, Tensor b) {
        return product(a, b, null);
    }

    /**
     * The product, no graph, into a fresh tensor whose memory holds the dims in the order of {@code like}'s
     * (when like has the result's shape, is packed without gaps and keeps the last dim innermost; otherwise
     * row-major).
     */
    static Tensor product(Tensor a, Tensor b, Layout like) {
        Backend be = Support.backend("matmul", a, b);
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] batchA = java.util.Arrays.copyOf(as, as.length - 2), batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Support.broadcastShapes("matmul", batchA, batchB);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = emptyLike(be, outShape, like);
        Layout la = Support.expandLayout("matmul", a.layout(), matrixShape(batch, m, k));
        Layout lb = Support.expandLayout("matmul", b.layout(), matrixShape(batch, k, n));
        // Batch dims [0, split) are looped over here, [split, nb) go to one batched GEMM call, which needs a single
        // stride over them (split = nb always works: one call per matrix). Usually split = 0, one call; attention
        // heads, [B, H, T, Dh] views of [B, T, H·Dh] projections, have strides that collapse only over H, so they
        // take B products of H matrices each, handed over as one job (Backend.gemmAll). No operand is ever
        // copied: copying the heads had cost a 2 MB copy (and its zeroing) per operand per product in W2.
        int nb = batch.length, split = 0;
        Layout lc = out.layout();
        while (split < nb && (collapsedBatchStride(la, split, nb) == null || collapsedBatchStride(lb, split, nb) == null
                || collapsedBatchStride(lc, split, nb) == null)) split++;
        int cBatchStride = collapsedBatchStride(lc, split, nb);
        Operand pa = operand(a, la, split, nb), pb = operand(b, lb, split, nb);
        int outer = Support.prod(batch, 0, split), inner = Support.prod(batch, split, nb);
        int[] index = new int[split];
        Gemm[] products = new Gemm[outer];
        for (int o = 0; o < outer; o++) {
            int ao = pa.offset, bo = pb.offset, co = lc.offset();
            for (int d = 0; d < split; d++) {
                ao += index[d] * la.strides()[d];
                bo += index[d] * lb.strides()[d];
                co += index[d] * lc.strides()[d];
            }
            products[o] = new Gemm(inner, m, n, k,
                    pa.storage, ao, pa.batchStride, pa.rowStride, pa.colStride,
                    pb.storage, bo, pb.batchStride, pb.rowStride, pb.colStride,
                    out.storage(), co, cBatchStride, lc.strides()[nb], false);
            for (int d = split - 1; d >= 0 && ++index[d] == batch[d]; d--) index[d] = 0; // next outer index, row-major
        }
        if (outer == 1) be.gemm(products[0]);
        else be.gemmAll(products);
        return out;
    }

    /** A fresh [.., M, N] tensor, its dims in memory in like's order where that order is usable, else row-major. */
    private static Tensor emptyLike(Backend be, int[] shape, Layout like) {
        int[] order = like == null || !java.util.Arrays.equals(like.shape(), shape) ? null : like.memoryOrder();
        if (order == null || order[order.length - 1] != order.length - 1) return Support.empty(be, DType.FLOAT32, shape); // rows need unit stride
        Tensor mem = Support.empty(be, DType.FLOAT32, Layout.contiguous(shape).permute(order).shape());
        return Tensor.wrap(mem.storage(), mem.layout().permute(Layout.inverse(order)));
    }

    private static int[] matrixShape(int[] batch, int rows, int cols) {
        int[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = rows;
        shape[batch.length + 1] = cols;
        return shape;
    }

    /** A matrix operand as (offset, batch/row/col strides) over a storage. */
    private record Operand(Storage storage, int offset, int batchStride, int rowStride, int colStride) {}

    /**
     * x read as [batch..., rows, cols] through its (broadcast) layout {@code l}: one stride over batch dims
     * [split, nb), which the caller has checked exists; the dims before split are the caller's loop.
     */
    private static Operand operand(Tensor x, Layout l, int split, int nb) {
        int[] st = l.strides();
        return new Operand(x.storage(), l.offset(), collapsedBatchStride(l, split, nb), st[nb], st[nb + 1]);
    }

    /** The one stride that walks batch dims [from, nb) in row-major order, or null if there is none. */
    private static Integer collapsedBatchStride(Layout l, int from, int nb) {
        int[] s = l.shape(), st = l.strides();
        int stride = -1;
        int expectNext = -1; // stride the next (outer) non-trivial dim must have
        for (int d = nb - 1; d >= from; d--) {
            if (s[d] == 1) continue;
            if (stride == -1) {
                stride = st[d];
                expectNext = st[d] * s[d];
            } else if (stride == 0 && st[d] == 0) {
                // every dim broadcast so far: still stride 0
            } else if (st[d] == expectNext) {
                expectNext = st[d] * s[d];
            } else {
                return null;
            }
        }
        return stride == -1 ? 0 : stride;
    }
}
