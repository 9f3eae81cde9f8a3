package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.backend.Backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** cat, stack, split and chunk. Splits are views (narrow); cat copies once and slices the gradient back. */
public final class Joins {
    private Joins() {}

    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cat: expected at least one tensor");
        Tensor first = tensors.get(0);
        int nd = first.dim();
        if (nd == 0) throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated");
        int d = Views.dim(dim, nd);
        int[] shape = first.shape();
        int total = 0;
        for (Tensor t : tensors) {
            int[] s = t.shape();
            boolean ok = s.length == nd && t.dtype() == first.dtype();
            for (int i = 0; ok && i < nd; i++) ok = i == d || s[i] == shape[i];
            if (!ok) {
                throw new IllegalArgumentException("cat: tensor of shape " + Support.str(s) + " (" + t.dtype()
                        + ") does not match " + Support.str(shape) + " (" + first.dtype() + ") outside dim " + d);
            }
            total += s[d];
        }
        shape[d] = total;
        Backend be = Support.backend("cat", tensors.toArray(new Tensor[0]));
        Tensor out = Support.empty(be, first.dtype(), shape);
        int[] starts = new int[tensors.size()];
        int pos = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            starts[i] = pos;
            Tensor dst = out.narrow(d, pos, t.layout().shape()[d]);
            be.copy(t.storage(), t.layout(), dst.storage(), dst.layout());
            pos += t.layout().shape()[d];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Autograd.record("CatBackward0", out, inputs, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = inputs[i].dtype() == DType.FLOAT32 ? g.narrow(d, starts[i], inputs[i].layout().shape()[d]) : null;
            }
            return grads;
        });
    }

    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: expected at least one tensor");
        int[] s0 = tensors.get(0).shape();
        int d = Views.dim(dim, s0.length + 1);
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor t : tensors) {
            if (!Arrays.equals(t.shape(), s0)) {
                throw new IllegalArgumentException("stack: expects each tensor to be equal size, but got "
                        + Support.str(s0) + " and " + Support.str(t.shape()));
            }
            expanded.add(t.unsqueeze(d));
        }
        return cat(expanded, d);
    }

    public static List<Tensor> split(Tensor x, int size, int dim) {
        if (size <= 0) throw new IllegalArgumentException("split: size must be positive, got " + size);
        int d = Views.dim(dim, x.dim());
        int n = x.layout().shape()[d];
        List<Tensor> parts = new ArrayList<>();
        for (int start = 0; start < n; start += size) parts.add(x.narrow(d, start, Math.min(size, n - start)));
        if (parts.isEmpty()) parts.add(x);
        return parts;
    }

    /** Like {@code torch.chunk}: pieces of ceil(n / chunks), so there may be fewer than {@code chunks}. */
    public static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk: chunks must be positive, got " + chunks);
        int n = x.layout().shape()[Views.dim(dim, x.dim())];
        return split(x, Math.max(1, (n + chunks - 1) / chunks), dim);
    }
}
