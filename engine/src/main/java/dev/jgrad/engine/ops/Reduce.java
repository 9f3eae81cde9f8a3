package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.CompareOp;
import dev.jgrad.engine.backend.ReduceOp;

import java.util.Arrays;

/**
 * Reductions over any set of dims, with {@code keepdim}. The kernel sees a contiguous [outer, len, inner]
 * block and reduces the middle axis: when the reduced dims are adjacent in a contiguous tensor that is free;
 * otherwise the reduced dims are permuted to the end and copied once.
 */
public final class Reduce {
    private Reduce() {}

    /** Values and int64 indices of a max/min along one dim. */
    public record ValuesIndices(Tensor values, Tensor indices) {}

    /** 0, 1, ..., dim−1: every dim. */
    public static int[] allDims(Tensor x) {
        int[] d = new int[x.dim()];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    /** Sorted, de-duplicated, non-negative dims; an empty list means all dims (as in PyTorch). */
    static int[] normalizeDims(String op, int[] dims, int ndim) {
        if (dims.length == 0) {
            int[] all = new int[ndim];
            for (int i = 0; i < ndim; i++) all[i] = i;
            return all;
        }
        int[] r = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = dims[i] < 0 ? dims[i] + ndim : dims[i];
            if (d < 0 || d >= Math.max(ndim, 1)) {
                throw new IllegalArgumentException(op + ": dim " + dims[i] + " is out of range for a tensor with " + ndim + " dims");
            }
            r[i] = d;
        }
        Arrays.sort(r);
        for (int i = 1; i < r.length; i++) {
            if (r[i] == r[i - 1]) throw new IllegalArgumentException(op + ": dim " + r[i] + " appears twice in " + Arrays.toString(dims));
        }
        return ndim == 0 ? new int[0] : r;
    }

    /** Output shape of a reduction: reduced dims become 1 (keepdim) or disappear. */
    static int[] reducedShape(int[] shape, int[] dims, boolean keepdim) {
        boolean[] red = new boolean[shape.length];
        for (int d : dims) red[d] = true;
        int[] out = new int[keepdim ? shape.length : shape.length - dims.length];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!red[i]) out[j++] = shape[i];
            else if (keepdim) out[j++] = 1;
        }
        return out;
    }

    /** x arranged as a contiguous [outer, len, inner] block whose middle axis is exactly {@code dims}. */
    private record Block(Tensor data, int outer, int len, int inner) {}

    private static Block block(Tensor x, int[] dims) {
        int[] shape = x.shape();
        int nd = shape.length;
        boolean adjacent = dims.length == 0 || dims[dims.length - 1] - dims[0] == dims.length - 1;
        if (x.isContiguous() && x.offset() == 0 && adjacent) {
            int first = dims.length == 0 ? nd : dims[0], last = dims.length == 0 ? nd : dims[dims.length - 1] + 1;
            return new Block(x, Support.prod(shape, 0, first), Support.prod(shape, first, last), Support.prod(shape, last, nd));
        }
        // Move the kept dims first and the reduced dims last, then copy: [kept..., reduced...].
        int[] order = new int[nd];
        boolean[] red = new boolean[nd];
        for (int d : dims) red[d] = true;
        int j = 0;
        for (int i = 0; i < nd; i++) if (!red[i]) order[j++] = i;
        for (int d : dims) order[j++] = d;
        Tensor moved = Views.copyDetached(x.detach().permute(order));
        int len = 1;
        for (int d : dims) len *= shape[d];
        return new Block(moved, x.numel() / Math.max(len, 1), len, 1);
    }

    /** A reduction kernel over {@code dims}, no graph. */
    static Tensor reduceRaw(String name, ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        Support.requireFloat(name, x);
        Backend be = Support.backend(name, x);
        Block b = block(x, dims);
        if (b.len == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException(name + ": cannot reduce an empty dim of tensor of shape " + Support.str(x.shape()));
        }
        Tensor out = Support.empty(be, DType.FLOAT32, reducedShape(x.shape(), dims, keepdim));
        be.reduce(op, b.data.storage(), b.outer, b.len, b.inner, out.storage());
        return out;
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        int[] d = normalizeDims("sum", dims, x.dim());
        int[] in = x.shape();
        int[] kept = reducedShape(in, d, true);
        Tensor out = reduceRaw("sum", ReduceOp.SUM, x, d, keepdim);
        // d/dx Σ = 1: the gradient is the output gradient repeated along the reduced dims.
        return Autograd.record("SumBackward1", out, new Tensor[] {x}, g -> new Tensor[] {g.reshape(kept).expand(in)});
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        int[] d = normalizeDims("mean", dims, x.dim());
        int count = 1;
        for (int k : d) count *= x.layout().shape()[k];
        return sum(x, d, keepdim).div(count);
    }

    /** Max (or min) over several dims; the gradient goes to every element equal to the result, split evenly. */
    public static Tensor amax(Tensor x, int[] dims, boolean keepdim, boolean max) {
        String name = max ? "amax" : "amin";
        int[] d = normalizeDims(name, dims, x.dim());
        int[] in = x.shape();
        int[] kept = reducedShape(in, d, true);
        Saved sx = Saved.of(x, name);
        Tensor out = reduceRaw(name, max ? ReduceOp.MAX : ReduceOp.MIN, x, d, keepdim);
        Saved so = Saved.of(out, name);
        return Autograd.record(max ? "AmaxBackward0" : "AminBackward0", out, new Tensor[] {x}, g -> {
            Tensor hit = Elementwise.compare(CompareOp.EQ, sx.get(), so.get().reshape(kept)).to(DType.FLOAT32);
            Tensor share = hit.div(hit.sum(d, true));
            return new Tensor[] {share.mul(g.reshape(kept))};
        });
    }

    /** Max (or min) along one dim with int64 indices; the gradient goes to the index only. */
    public static ValuesIndices maxDim(Tensor x, int dim, boolean keepdim, boolean max) {
        String name = max ? "max" : "min";
        Support.requireFloat(name, x);
        int d = Views.dim(dim, x.dim());
        int[] dims = x.dim() == 0 ? new int[0] : new int[] {d};
        Backend be = Support.backend(name, x);
        Block b = block(x, dims);
        if (b.len == 0) throw new IllegalArgumentException(name + ": cannot reduce an empty dim of shape " + Support.str(x.shape()));
        int[] shape = reducedShape(x.shape(), dims, keepdim);
        Tensor values = Support.empty(be, DType.FLOAT32, shape);
        Tensor indices = Support.empty(be, DType.INT64, shape);
        be.argReduce(max, b.data.storage(), b.outer, b.len, b.inner, values.storage(), indices.storage());
        int[] in = x.shape();
        int[] kept = reducedShape(in, dims, true);
        Autograd.record(max ? "MaxBackward0" : "MinBackward0", values, new Tensor[] {x}, g -> {
            if (in.length == 0) return new Tensor[] {g.reshape(in)};
            // one-hot of the index along dim: arange(len) == index, broadcast against the kept shape
            int[] line = new int[in.length];
            Arrays.fill(line, 1);
            line[d] = in[d];
            Tensor positions = Tensor.arange(in[d]).reshape(line).to(g.device()); // made on the host, moved to the data
            Tensor hit = Elementwise.compare(CompareOp.EQ, positions, indices.reshape(kept)).to(DType.FLOAT32);
            return new Tensor[] {hit.mul(g.reshape(kept))};
        });
        return new ValuesIndices(values, indices);
    }

    /** Variance with {@code unbiased} (Bessel's) correction, composed of mean, sub, mul and sum. */
    public static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) {
        int[] d = normalizeDims("var", dims, x.dim());
        int n = 1;
        for (int k : d) n *= x.layout().shape()[k];
        Tensor centered = x.sub(mean(x, d, true));
        return sum(centered.mul(centered), d, keepdim).div(Math.max(0, unbiased ? n - 1 : n));
    }

    /** log Σ exp(x) over dims: max-shifted so that large inputs do not overflow. */
    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepdim) {
        int[] d = normalizeDims("logsumexp", dims, x.dim());
        Tensor m = reduceRaw("logsumexp", ReduceOp.MAX, x, d, true);
        // An all −inf slice would give −inf − (−inf) = NaN; shifting by 0 there keeps the answer −inf.
        m = Tensor.where(m.abs().eq(Float.POSITIVE_INFINITY), Tensor.scalar(0f), m);
        Tensor r = sum(x.sub(m).exp(), d, true).log().add(m);
        return keepdim ? r : r.reshape(reducedShape(x.shape(), d, false));
    }
}
