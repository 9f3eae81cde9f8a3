package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.cpu.Parallel;

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
     * {@code value} with probability p, else 0: dropout's scaled keep-mask in one pass (see {@link #keyedMask}).
     */
    public static Tensor bernoulli(double p, float value, Generator gen, int... shape) {
        checkShape(shape);
        float[] data = new float[Layout.contiguous(shape).numel()];
        keyedMask(gen.nextLong(), keepThreshold(p), value, null, 0, data, data.length);
        return Tensor.wrap(Storage.wrap(data), shape.clone());
    }

    /** The 32-bit uniform u keeps an element when u &lt; this: p·2³², rounded up. */
    static long keepThreshold(double p) {
        return (long) Math.ceil(p * 0x1p32);
    }

    /**
     * dst[i] = m_i, or src[so + i]·m_i when src is given, for i in [0, n), where m_i = {@code value} when the
     * i-th uniform of the stream keyed by {@code key} is below {@code threshold}, else 0. Element pair j takes
     * SplitMix64(key + j·φ), two 32-bit uniforms, so the pool's threads fill disjoint ranges, the mask does not
     * depend on how many threads there are, and the same key gives the same mask again (dropout's backward
     * regenerates it instead of saving it). Drawing every element from a generator in sequence cost 6% of a W2
     * training step on one core while the other waited.
     */
    static void keyedMask(long key, long threshold, float value, float[] src, int so, float[] dst, int n) {
        Parallel.forRange((n + 1) / 2, 1 << 14, (lo, hi) -> {
            for (long j = lo; j < hi; j++) {
                long r = Generator.splitMix(key + j * 0x9E3779B97F4A7C15L);
                int i = (int) (2 * j);
                float m0 = (r >>> 32) < threshold ? value : 0f;
                dst[i] = src == null ? m0 : src[so + i] * m0;
                if (i + 1 < n) {
                    float m1 = (r & 0xFFFFFFFFL) < threshold ? value : 0f;
                    dst[i + 1] = src == null ? m1 : src[so + i + 1] * m1;
                }
            }
        });
    }
}
