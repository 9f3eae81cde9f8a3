package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.Layout;

import java.util.Arrays;

/** Checks and shape arithmetic shared by the ops. */
public final class Support {
    private Support() {}

    /**
     * The backend for the tensors' common device; mixed devices are an error naming the op. As in PyTorch, a
     * 0-dim host tensor (a scalar such as {@code Tensor.scalar(0f)}) may join tensors on another device: the
     * device backend reads it from the host.
     */
    public static Backend backend(String op, Tensor... tensors) {
        boolean onDevice = false;
        for (Tensor t : tensors) onDevice |= t != null && t.device().kind() != Device.Kind.CPU;
        Device d = null;
        for (Tensor t : tensors) {
            if (t == null || (onDevice && t.dim() == 0 && t.device().kind() == Device.Kind.CPU)) continue;
            if (d == null) d = t.device();
            else if (!d.equals(t.device())) {
                throw new IllegalArgumentException(op + ": tensors are on different devices (" + d + " and " + t.device() + ")");
            }
        }
        return Backends.forDevice(d == null ? Device.CPU : d);
    }

    /** Throws unless every tensor is float32. */
    public static void requireFloat(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && t.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException(op + ": expected float32 but got " + t.dtype() + " of shape " + str(t.shape()));
            }
        }
    }

    /** A fresh zero-filled contiguous tensor on {@code backend}'s device. */
    public static Tensor empty(Backend backend, DType dtype, int... shape) {
        Layout l = Layout.contiguous(shape);
        Storage s = backend.allocate(dtype, l.numel());
        return Tensor.wrap(s, l);
    }

    /** NumPy broadcasting of two shapes; an error naming the op and both shapes when incompatible. */
    public static int[] broadcastShapes(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The layout that reads {@code l} as if it had been broadcast to {@code shape} (stride 0 on new/expanded dims). */
    public static Layout expandLayout(String op, Layout l, int[] shape) {
        int[] s = l.shape(), st = l.strides();
        if (shape.length < s.length) {
            throw new IllegalArgumentException(op + ": cannot broadcast shape " + str(s) + " to " + str(shape));
        }
        int lead = shape.length - s.length;
        int[] strides = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) continue;
            int d = s[i - lead];
            if (d == shape[i]) strides[i] = st[i - lead];
            else if (d == 1) strides[i] = 0;
            else throw new IllegalArgumentException(op + ": cannot broadcast shape " + str(s) + " to " + str(shape));
        }
        return new Layout(shape.clone(), strides, l.offset());
    }

    /**
     * Sums a gradient back to the shape of the input it belongs to: the adjoint of broadcasting. Leading dims
     * that broadcasting added are summed away, and dims where the input had size 1 are summed with keepdim.
     */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int count = 0;
        int[] dims = new int[gs.length];
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[count++] = i;
        }
        Tensor r = count == 0 ? g : Reduce.sum(g, Arrays.copyOf(dims, count), true);
        return r.reshape(shape); // drop the leading size-1 dims: [1, ..., 1, shape...] -> shape
    }

    /** Row-major product of shape[from..to). */
    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    /** {@code [2, 3]} style. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
