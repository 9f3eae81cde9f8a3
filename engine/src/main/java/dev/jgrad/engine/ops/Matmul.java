package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.Layout;

/**
 * Matrix products with NumPy/PyTorch semantics. 1-D operands are promoted to matrices and the added dim is
 * removed from the result; batch dims (all but the last two) broadcast. Transposed operands are passed to the
 * GEMM kernel as strides, never copied, which is what makes the backward products (g·Bᵀ, Aᵀ·g) cheap.
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
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], kb = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Support.str(as) + " and " + Support.str(bs)
                    + " cannot be multiplied (" + m + "x" + k + " and " + kb + "x" + n + ")");
        }
        Saved sa = Saved.of(a, "matmul"), sb = Saved.of(b, "matmul");
        Tensor out = product(a, b);
        return Autograd.record("MmBackward0", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? Support.sumToShape(product(g, sb.get().mT()), as) : null,   // dA = g · Bᵀ
                b.requiresGrad() ? Support.sumToShape(product(sa.get().mT(), g), bs) : null}); // dB = Aᵀ · g
    }

    /** The product itself, no graph. */
    static Tensor product(Tensor a, Tensor b) {
        Backend be = Support.backend("matmul", a, b);
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] batchA = java.util.Arrays.copyOf(as, as.length - 2), batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Support.broadcastShapes("matmul", batchA, batchB);
        int batchCount = Support.prod(batch, 0, batch.length);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Support.empty(be, DType.FLOAT32, outShape);
        Operand pa = operand(a, batch, m, k), pb = operand(b, batch, k, n);
        be.gemm(new Gemm(batchCount, m, n, k,
                pa.t.storage(), pa.offset, pa.batchStride, pa.rowStride, pa.colStride,
                pb.t.storage(), pb.offset, pb.batchStride, pb.rowStride, pb.colStride,
                out.storage(), 0, m * n, n, false));
        return out;
    }

    /** A matrix operand as (offset, batch/row/col strides) over a storage. */
    private record Operand(Tensor t, int offset, int batchStride, int rowStride, int colStride) {}

    /**
     * Reads x broadcast to [batch..., rows, cols] with a single batch stride. That works whenever the batch
     * dims collapse into one (contiguous, or broadcast with stride 0); otherwise x is copied first.
     */
    private static Operand operand(Tensor x, int[] batch, int rows, int cols) {
        int[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = rows;
        shape[batch.length + 1] = cols;
        Layout l = Support.expandLayout("matmul", x.layout(), shape);
        Integer bstride = collapsedBatchStride(l, batch.length);
        if (bstride == null) {
            // Copy in the order the matrices already have in memory: a transposed view (kᵀ of attention heads)
            // is copied as its untransposed self, by contiguous runs, and read back through transposed strides.
            Tensor view = Tensor.wrap(x.storage(), l);
            int[] vs = l.strides();
            boolean columnMajor = vs[batch.length + 1] != 1 && vs[batch.length] == 1;
            Tensor c = columnMajor ? Views.copyDetached(view.mT()).mT() : Views.copyDetached(view);
            l = c.layout();
            x = c;
            bstride = rows * cols;
        }
        int[] st = l.strides();
        return new Operand(x, l.offset(), bstride, st[batch.length], st[batch.length + 1]);
    }

    /** The one stride that walks all batch dims in row-major order, or null if there is none. */
    private static Integer collapsedBatchStride(Layout l, int nb) {
        int[] s = l.shape(), st = l.strides();
        int stride = -1;
        int expectNext = -1; // stride the next (outer) non-trivial dim must have
        for (int d = nb - 1; d >= 0; d--) {
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
