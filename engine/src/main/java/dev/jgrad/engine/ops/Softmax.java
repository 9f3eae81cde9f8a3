package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;

/**
 * softmax and logSoftmax over any dim, as one fused row kernel each way. The working dim is moved last
 * (a transpose view plus at most one copy) so the kernel always sees contiguous rows.
 */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int dim, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        Support.requireFloat(name, x);
        if (x.dim() == 0) return softmax(x.reshape(1), 0, log).reshape();
        int d = Views.dim(dim, x.dim());
        int last = x.dim() - 1;
        Tensor rows = Views.copyDetachedIfNeeded(x.detach().transpose(d, last)); // [..., C] with C = size(dim)
        Backend be = Support.backend(name, x);
        int cols = x.layout().shape()[d];
        int nrows = x.numel() / Math.max(cols, 1);
        Tensor y = Support.empty(be, DType.FLOAT32, rows.shape());
        be.softmax(log, rows.storage(), nrows, cols, y.storage());
        Saved sy = Saved.of(y, name);
        Tensor out = y.transpose(d, last);
        return Autograd.record(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", out, new Tensor[] {x}, g -> {
            Tensor dy = Views.copyDetachedIfNeeded(g.transpose(d, last));
            Tensor dx = Support.empty(be, DType.FLOAT32, dy.shape());
            be.softmaxBackward(log, sy.get().storage(), dy.storage(), nrows, cols, dx.storage());
            return new Tensor[] {dx.transpose(d, last)};
        });
    }
}
