package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.backend.Backend;

/** Embedding lookup: a row gather forward, a scatter-add of rows backward. */
public final class Embedding {
    private Embedding() {}

    /**
     * weight: [V, C], indices: int32/int64 of any shape → [indices.shape..., C]. The row at
     * {@code paddingIdx} receives no gradient, as in PyTorch; −1 means no padding row here (the facade
     * {@code F.embedding} resolves PyTorch's negative indices before calling this).
     */
    public static Tensor embedding(Tensor weight, Tensor indices, int paddingIdx) {
        Support.requireFloat("embedding", weight);
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: weight must be 2-D [V, C], got " + Support.str(weight.shape()));
        if (indices.dtype() != DType.INT64 && indices.dtype() != DType.INT32) {
            throw new IllegalArgumentException("embedding: indices must be int64 or int32, got " + indices.dtype()
                    + " of shape " + Support.str(indices.shape()));
        }
        Backend be = Support.backend("embedding", weight, indices);
        int v = weight.size(0), c = weight.size(1), n = indices.numel();
        Tensor w = Views.copyDetachedIfNeeded(weight.detach());
        Tensor idx = Views.copyDetachedIfNeeded(indices);
        int[] shape = java.util.Arrays.copyOf(indices.shape(), indices.dim() + 1);
        shape[indices.dim()] = c;
        Tensor out = Support.empty(be, DType.FLOAT32, shape);
        be.gatherRows(w.storage(), v, c, idx.storage(), n, out.storage());
        return Autograd.record("EmbeddingBackward0", out, new Tensor[] {weight, null}, g -> {
            Tensor dw = Support.empty(be, DType.FLOAT32, v, c);
            be.scatterAddRows(Views.copyDetachedIfNeeded(g).storage(), c, idx.storage(), n, dw.storage());
            if (paddingIdx >= 0) InPlace.fill(dw.select(0, paddingIdx), 0f);
            return new Tensor[] {dw, null};
        });
    }
}
