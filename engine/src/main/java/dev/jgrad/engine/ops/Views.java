package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Layout;

import java.util.Arrays;

import static dev.jgrad.engine.ops.Support.str;

/**
 * Ops that change how a storage is read, without copying it (plus the copies: contiguous, clone, to).
 * Each view's backward maps the gradient back to the input's shape, so gradients reach the base tensor.
 */
public final class Views {
    private Views() {}

    /** Normalizes a possibly negative dim against {@code ndim}. */
    public static int dim(int d, int ndim) {
        int r = d < 0 ? d + ndim : d;
        if (r < 0 || r >= Math.max(ndim, 1)) {
            throw new IllegalArgumentException("dim " + d + " is out of range for a tensor with " + ndim + " dims");
        }
        return r;
    }

    private static Tensor viewOf(Tensor x, int[] shape, int[] strides, int offset) {
        return Tensor.wrap(x.storage(), new Layout(shape, strides, offset));
    }

    /** Resolves one −1 in {@code shape} and checks the element count. */
    static int[] inferShape(String op, int[] from, int[] shape) {
        int[] s = shape.clone();
        int numel = Support.prod(from, 0, from.length), known = 1, infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one dimension can be -1 in " + str(shape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + s[i] + " in " + str(shape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + str(shape) + " is invalid for input of shape " + str(from));
            }
            s[infer] = numel / known;
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " is invalid for input of shape " + str(from)
                    + " (" + numel + " elements)");
        }
        return s;
    }

    /**
     * Strides that read {@code l}'s elements in row-major order as {@code shape}, or null when no strides can
     * (the same test as PyTorch's {@code computeStride}: each run of merged input dims must be contiguous).
     */
    static int[] viewStrides(Layout l, int[] shape) {
        int[] os = l.shape(), ost = l.strides();
        int[] ns = new int[shape.length];
        if (l.numel() == 0 || os.length == 0) return Layout.contiguousStrides(shape);
        int viewD = shape.length - 1;
        int chunkBase = ost[os.length - 1];
        int tensorNumel = 1, viewNumel = 1;
        for (int d = os.length - 1; d >= 0; d--) {
            tensorNumel *= os[d];
            if (d == 0 || (os[d - 1] != 1 && ost[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1)) {
                    ns[viewD] = viewNumel * chunkBase;
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = ost[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? ns : null;
    }

    public static Tensor view(Tensor x, int... shape) {
        int[] s = inferShape("view", x.shape(), shape);
        int[] st = viewStrides(x.layout(), s);
        if (st == null) {
            throw new IllegalArgumentException("view: shape " + str(s) + " cannot view a tensor of shape " + str(x.shape())
                    + " with strides " + str(x.strides()) + " without a copy; use reshape");
        }
        return reshaped(x, s, st);
    }

    public static Tensor reshape(Tensor x, int... shape) {
        int[] s = inferShape("reshape", x.shape(), shape);
        int[] st = viewStrides(x.layout(), s);
        if (st == null) return reshaped(contiguous(x), s, Layout.contiguousStrides(s));
        return reshaped(x, s, st);
    }

    private static Tensor reshaped(Tensor x, int[] shape, int[] strides) {
        int[] in = x.shape();
        Tensor out = viewOf(x, shape, strides, x.offset());
        return Autograd.record("ViewBackward0", out, new Tensor[] {x}, g -> new Tensor[] {g.reshape(in)});
    }

    public static Tensor flatten(Tensor x, int start, int end) {
        int nd = x.dim();
        if (nd == 0) return reshape(x, 1);
        int s = dim(start, nd), e = dim(end, nd);
        int[] in = x.shape();
        int[] shape = new int[nd - (e - s)];
        int j = 0;
        for (int i = 0; i < s; i++) shape[j++] = in[i];
        shape[j++] = Support.prod(in, s, e + 1);
        for (int i = e + 1; i < nd; i++) shape[j++] = in[i];
        return reshape(x, shape);
    }

    public static Tensor permute(Tensor x, int... order) {
        int nd = x.dim();
        if (order.length != nd) {
            throw new IllegalArgumentException("permute: order " + str(order) + " does not match " + nd + " dims of " + str(x.shape()));
        }
        int[] shape = new int[nd], strides = new int[nd], inverse = new int[nd];
        boolean[] seen = new boolean[nd];
        for (int i = 0; i < nd; i++) {
            int d = dim(order[i], nd);
            if (seen[d]) throw new IllegalArgumentException("permute: repeated dim in " + str(order));
            seen[d] = true;
            shape[i] = x.layout().shape()[d];
            strides[i] = x.layout().strides()[d];
            inverse[d] = i;
        }
        Tensor out = viewOf(x, shape, strides, x.offset());
        return Autograd.record("PermuteBackward0", out, new Tensor[] {x}, g -> new Tensor[] {g.permute(inverse)});
    }

    public static Tensor transpose(Tensor x, int d0, int d1) {
        int nd = x.dim();
        int[] order = new int[nd];
        for (int i = 0; i < nd; i++) order[i] = i;
        int a = dim(d0, nd), b = dim(d1, nd);
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    public static Tensor expand(Tensor x, int... shape) {
        int[] in = x.shape();
        int[] target = shape.clone();
        int lead = target.length - in.length;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (i < lead) throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dim in " + str(shape));
                target[i] = in[i - lead];
            }
        }
        Layout l = Support.expandLayout("expand", x.layout(), target);
        Tensor out = Tensor.wrap(x.storage(), l);
        return Autograd.record("ExpandBackward0", out, new Tensor[] {x}, g -> new Tensor[] {Support.sumToShape(g, in)});
    }

    public static Tensor slice(Tensor x, int d, int start, int end, int step) {
        int nd = x.dim();
        d = dim(d, nd);
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int size = x.layout().shape()[d];
        int s = start < 0 ? start + size : start, e = end < 0 ? end + size : end;
        s = Math.max(0, Math.min(s, size));
        e = Math.max(s, Math.min(e, size));
        int len = (e - s + step - 1) / step;
        int[] shape = x.shape(), strides = x.strides();
        shape[d] = len;
        int offset = x.offset() + s * strides[d];
        strides[d] *= step;
        Tensor out = viewOf(x, shape, strides, offset);
        int[] in = x.shape();
        final int dd = d, ss = s;
        return Autograd.record("SliceBackward0", out, new Tensor[] {x}, g -> {
            Tensor dx = Support.empty(Support.backend("backward", g), DType.FLOAT32, in);
            InPlace.copy(dx.slice(dd, ss, ss + (len - 1) * step + 1, step), g);
            return new Tensor[] {dx};
        });
    }

    public static Tensor select(Tensor x, int d, int index) {
        int nd = x.dim();
        d = dim(d, nd);
        int size = x.layout().shape()[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dim " + d + " of size " + size);
        }
        int[] shape = new int[nd - 1], strides = new int[nd - 1];
        for (int k = 0, j = 0; k < nd; k++) {
            if (k == d) continue;
            shape[j] = x.layout().shape()[k];
            strides[j++] = x.layout().strides()[k];
        }
        Tensor out = viewOf(x, shape, strides, x.offset() + i * x.layout().strides()[d]);
        int[] in = x.shape();
        final int dd = d;
        return Autograd.record("SelectBackward0", out, new Tensor[] {x}, g -> {
            Tensor dx = Support.empty(Support.backend("backward", g), DType.FLOAT32, in);
            InPlace.copy(dx.select(dd, i), g);
            return new Tensor[] {dx};
        });
    }

    public static Tensor squeeze(Tensor x) {
        int[] s = Arrays.stream(x.shape()).filter(v -> v != 1).toArray();
        return reshape(x, s);
    }

    public static Tensor squeeze(Tensor x, int d) {
        int nd = x.dim();
        if (nd == 0) return x;
        d = dim(d, nd);
        if (x.layout().shape()[d] != 1) return x;
        int[] s = new int[nd - 1];
        for (int k = 0, j = 0; k < nd; k++) if (k != d) s[j++] = x.layout().shape()[k];
        return reshape(x, s);
    }

    public static Tensor unsqueeze(Tensor x, int d) {
        int nd = x.dim() + 1;
        d = dim(d, nd);
        int[] s = new int[nd];
        for (int k = 0, j = 0; k < nd; k++) s[k] = k == d ? 1 : x.layout().shape()[j++];
        return reshape(x, s);
    }

    public static Tensor contiguous(Tensor x) {
        return x.isContiguous() ? x : copy(x);
    }

    /** A contiguous copy, recorded so gradients pass straight through. */
    public static Tensor copy(Tensor x) {
        Tensor out = copyDetached(x);
        return Autograd.record("CloneBackward0", out, new Tensor[] {x}, g -> new Tensor[] {g});
    }

    /** A contiguous copy with no graph. */
    public static Tensor copyDetached(Tensor x) {
        Backend be = Support.backend("contiguous", x);
        Tensor out = Support.empty(be, x.dtype(), x.shape());
        be.copy(x.storage(), x.layout(), out.storage(), out.layout());
        return out;
    }

    /** x itself when contiguous with offset 0 (kernels index rows from 0), else a contiguous copy; no graph. */
    public static Tensor copyDetachedIfNeeded(Tensor x) {
        return x.isContiguous() && x.offset() == 0 ? x : copyDetached(x);
    }

    public static Tensor toDType(Tensor x, DType dtype) {
        if (x.dtype() == dtype) return x;
        Backend be = Support.backend("to", x);
        Tensor out = Support.empty(be, dtype, x.shape());
        be.copy(x.storage(), x.layout(), out.storage(), out.layout());
        return out; // conversions are not differentiable (only float32 carries gradients)
    }

    public static Tensor toDevice(Tensor x, Device device) {
        if (x.device().equals(device)) return x;
        dev.jgrad.engine.backend.Backends.forDevice(device); // a clear error when the device is unavailable
        Tensor c = x.isWholeStorage() ? x : copyDetached(x);
        Tensor out = Tensor.wrap(dev.jgrad.engine.backend.Backends.transfer(c.storage(), device), Layout.contiguous(x.shape()));
        Device from = x.device();
        return Autograd.record("ToCopyBackward0", out, new Tensor[] {x}, g -> new Tensor[] {toDevice(g, from)});
    }
}
