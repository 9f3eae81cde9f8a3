package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.backend.Layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reading values out of a tensor, and {@code toString} in PyTorch's format: {@code tensor([[1.0000, 2.5000], ...])},
 * integral floats as {@code 1.}, scientific notation for wide ranges, "..." summaries past 1000 elements, and
 * {@code requires_grad=True} / {@code grad_fn=<...>} suffixes (the rules of {@code torch/_tensor_str.py}).
 */
public final class Format {
    private Format() {}

    private static final int THRESHOLD = 1000, EDGE = 3, LINE_WIDTH = 80;

    public static float item(Tensor t) {
        if (t.numel() != 1) {
            throw new IllegalArgumentException("item: a tensor with " + t.numel() + " elements of shape "
                    + Support.str(t.shape()) + " cannot be converted to a scalar");
        }
        return toFloatArray(t)[0];
    }

    public static float[] toFloatArray(Tensor t) {
        Tensor c = Views.toDType(Views.copyDetached(t.cpu()), DType.FLOAT32);
        return c.storage().floats().clone();
    }

    public static long[] toLongArray(Tensor t) {
        Tensor c = Views.toDType(Views.copyDetached(t.cpu()), DType.INT64);
        return c.storage().longs().clone();
    }

    public static float get(Tensor t, int... index) {
        if (index.length != t.dim()) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor with " + t.dim() + " dims");
        }
        Tensor x = t;
        for (int i = 0; i < index.length; i++) x = x.detach().select(0, index[i]);
        return item(x);
    }

    public static String format(Tensor t) {
        float[] v = toFloatArray(t);
        Layout l = Layout.contiguous(t.shape());
        boolean summarize = v.length > THRESHOLD;
        ElementFormat ef = ElementFormat.of(t.dtype(), v, summarize ? summarySample(v, l) : null);
        StringBuilder sb = new StringBuilder("tensor(");
        if (t.dim() == 0) {
            sb.append(ef.format(v[0]).strip());
        } else if (v.length == 0) {
            sb.append("[]");
        } else {
            body(sb, v, l.shape(), l.strides(), 0, 0, 7, ef, summarize);
        }
        List<String> suffix = new ArrayList<>();
        if (v.length == 0 && t.dim() != 1) suffix.add("size=" + Support.str(t.shape()).replace('[', '(').replace(']', ')'));
        if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.INT64 && t.dtype() != DType.BOOL) {
            suffix.add("dtype=torch." + t.dtype().torchName);
        }
        if (!t.device().equals(dev.jgrad.engine.Device.CPU)) suffix.add("device='" + t.device() + "'");
        if (t.gradFn() != null) suffix.add("grad_fn=<" + t.gradFn().name() + ">");
        else if (t.requiresGrad()) suffix.add("requires_grad=True");
        for (String s : suffix) sb.append(", ").append(s);
        return sb.append(')').toString();
    }

    /** The values that a summarized print shows, so the format is chosen from them alone (as PyTorch does). */
    private static float[] summarySample(float[] v, Layout l) {
        List<Float> out = new ArrayList<>();
        collect(v, l.shape(), l.strides(), 0, 0, out);
        float[] r = new float[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    private static void collect(float[] v, int[] shape, int[] strides, int d, int off, List<Float> out) {
        int n = shape[d];
        for (int i = 0; i < n; i++) {
            if (n > 2 * EDGE && i == EDGE) i = n - EDGE;
            if (d == shape.length - 1) out.add(v[off + i * strides[d]]);
            else collect(v, shape, strides, d + 1, off + i * strides[d], out);
        }
    }

    /** PyTorch's {@code _tensor_str_with_formatter}: nested brackets, rows wrapped at 80 columns. */
    private static void body(StringBuilder sb, float[] v, int[] shape, int[] strides, int d, int off, int indent,
                             ElementFormat ef, boolean summarize) {
        int n = shape[d];
        boolean cut = summarize && n > 2 * EDGE;
        List<String> items = new ArrayList<>();
        if (d == shape.length - 1) {
            for (int i = 0; i < n; i++) {
                if (cut && i == EDGE) {
                    items.add(" ...");
                    i = n - EDGE;
                }
                items.add(ef.format(v[off + i * strides[d]]));
            }
            int perLine = Math.max(1, (LINE_WIDTH - indent) / (ef.width + 2));
            sb.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(i % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
                sb.append(items.get(i));
            }
            sb.append(']');
            return;
        }
        String sep = "," + "\n".repeat(shape.length - d - 1) + " ".repeat(indent + 1);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                sb.append("...").append(sep);
                i = n - EDGE;
            }
            body(sb, v, shape, strides, d + 1, off + i * strides[d], indent + 1, ef, summarize);
            if (i < n - 1) sb.append(sep);
        }
        sb.append(']');
    }

    /** How every element of one tensor is printed: one mode, one width. */
    private static final class ElementFormat {
        final DType dtype;
        final boolean intMode, sciMode;
        int width;

        private ElementFormat(DType dtype, boolean intMode, boolean sciMode) {
            this.dtype = dtype;
            this.intMode = intMode;
            this.sciMode = sciMode;
        }

        static ElementFormat of(DType dtype, float[] all, float[] sample) {
            float[] v = sample != null ? sample : all;
            ElementFormat f;
            if (dtype != DType.FLOAT32) {
                f = new ElementFormat(dtype, true, false);
            } else {
                boolean intMode = true;
                double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
                for (float x : v) {
                    if (!Float.isFinite(x)) continue;
                    if (x != Math.rint(x)) intMode = false;
                    double a = Math.abs(x);
                    if (a != 0) {
                        maxAbs = Math.max(maxAbs, a);
                        minAbs = Math.min(minAbs, a);
                    }
                }
                boolean sci;
                if (minAbs == Double.POSITIVE_INFINITY) sci = false; // all zero or non-finite
                else if (intMode) sci = maxAbs / minAbs > 1000 || maxAbs > 1e8;
                else sci = maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4;
                f = new ElementFormat(dtype, intMode && !sci, sci);
            }
            for (float x : v) f.width = Math.max(f.width, f.raw(x).length());
            return f;
        }

        String raw(float x) {
            if (dtype == DType.BOOL) return x != 0 ? "True" : "False";
            if (dtype != DType.FLOAT32) return Long.toString((long) x);
            if (Float.isNaN(x)) return "nan";
            if (Float.isInfinite(x)) return x > 0 ? "inf" : "-inf";
            if (sciMode) return String.format(Locale.ROOT, "%.4e", x);
            if (intMode) return String.format(Locale.ROOT, "%.0f.", x);
            return String.format(Locale.ROOT, "%.4f", x);
        }

        String format(float x) {
            String s = raw(x);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }
}
