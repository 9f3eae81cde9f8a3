package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.cpu.KeyedMask;

import static dev.jgrad.engine.ops.Support.str;

/** Tensors made from values, ranges and random draws. All are contiguous host tensors. */
public final class Creation {
    private Creation() {}

    private static void checkShape(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= s;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
    }

    /** {@code value} everywhere, in any dtype. */
    public static Tensor full(float value, DType dtype, int... shape) {
        checkShape(shape);
        Tensor t = Support.empty(Backends.cpu(), dtype, shape.clone());
        if (value != 0f) Backends.cpu().fill(t.storage(), t.layout(), value);
        return t;
    }

    /** start, start+step, ... below end (float32), like {@code torch.arange}. */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be non-zero");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float) (start + i * step);
        return Tensor.wrap(Storage.wrap(data), n);
    }

    private static int[] shapeFor(int length, int[] shape) {
        int[] s = shape.length == 0 ? new int[] {length} : shape.clone();
        checkShape(s);
        if (Layout.contiguous(s).numel() != length) {
            throw new IllegalArgumentException("fromArray: " + length + " values do not fill shape " + str(s));
        }
        return s;
    }

    public static Tensor fromArray(float[] data, int... shape) {
        return Tensor.wrap(Storage.wrap(data.clone()), shapeFor(data.length, shape));
    }

    public static Tensor fromArray(long[] data, int... shape) {
        return Tensor.wrap(Storage.wrap(data.clone()), shapeFor(data.length, shape));
    }

    public static Tensor fromArray(int[] data, int... shape) {
        return Tensor.wrap(Storage.wrap(data.clone()), shapeFor(data.length, shape));
    }

    /** Uniform in [low, high) drawn from {@code gen} in row-major order. */
    public static Tensor uniform(double low, double high, Generator gen, int... shape) {
        checkShape(shape);
        float[] data = new float[Layout.contiguous(shape).numel()];
        for (int i = 0; i < data.length; i++) data[i] = (float) (low + (high - low) * gen.nextDouble());
        return Tensor.wrap(Storage.wrap(data), shape.clone());
    }

    /** Normal(mean, std) drawn from {@code gen} in row-major order. */
    public static Tensor normal(double mean, double std, Generator gen, int... shape) {
        checkShape(shape);
        float[] data = new float[Layout.contiguous(shape).numel()];
        for (int i = 0; i < data.length; i++) data[i] = (float) (mean + std * gen.nextGaussian());
        return Tensor.wrap(Storage.wrap(data), shape.clone());
    }

    /** 1 with probability p, else 0 (float32), drawn from {@code gen}. */
    public static Tensor bernoulli(double p, Generator gen, int... shape) {
        return bernoulli(p, 1f, gen, shape);
    }

    /**
     * {@code value} with probability p, else 0: dropout's scaled keep-mask in one pass, keyed by one draw from
     * {@code gen} (see {@link KeyedMask}).
     */
    public static Tensor bernoulli(double p, float value, Generator gen, int... shape) {
        checkShape(shape);
        float[] data = new float[Layout.contiguous(shape).numel()];
        KeyedMask.fill(gen.nextLong(), keepThreshold(p), value, null, 0, data, data.length);
        return Tensor.wrap(Storage.wrap(data), shape.clone());
    }

    /** The 32-bit uniform u keeps an element when u &lt; this: p·2³², rounded up. */
    static long keepThreshold(double p) {
        return (long) Math.ceil(p * 0x1p32);
    }
}
