package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.Layout;

/**
 * Strided copy, dtype conversion and fill on host storages: pure data movement, shared by both CPU backends
 * (there is no arithmetic here for SIMD to speed up beyond what {@code System.arraycopy} already does).
 */
final class HostCopy {
    private HostCopy() {}

    static void copy(Storage src, Layout s, Storage dst, Layout d) {
        StridedLoop loop = new StridedLoop(s, d);
        if (src.dtype() == dst.dtype()) {
            loop.forEach(sameDtypeRun(loop, src, dst));
            return;
        }
        int ss = loop.innerStride(0), ds = loop.innerStride(1);
        loop.forEach((off, n) -> {
            for (int i = 0; i < n; i++) set(dst, off[1] + i * ds, get(src, off[0] + i * ss));
        });
    }

    /** A same-dtype strided copy split over the pool in grains of about {@code grain} elements. */
    static void copyRange(Storage src, Layout s, Storage dst, Layout d, long grain) {
        StridedLoop loop = new StridedLoop(s, d);
        StridedLoop.Run body = sameDtypeRun(loop, src, dst);
        Parallel.forRange(loop.size(), grain, (lo, hi) -> loop.forEach(lo, hi, body));
    }

    /** The body of a same-dtype copy over runs of {@code loop} (src, dst): arraycopy where both are contiguous. */
    private static StridedLoop.Run sameDtypeRun(StridedLoop loop, Storage src, Storage dst) {
        int ss = loop.innerStride(0), ds = loop.innerStride(1);
        Object a = src.data(), b = dst.data();
        DType t = src.dtype();
        return (off, n) -> {
            if (ss == 1 && ds == 1) System.arraycopy(a, off[0], b, off[1], n);
            else copyStrided(a, off[0], ss, b, off[1], ds, n, t);
        };
    }

    private static void copyStrided(Object a, int ao, int as, Object b, int bo, int bs, int n, DType t) {
        switch (t) {
            case FLOAT32 -> { float[] x = (float[]) a, y = (float[]) b; for (int i = 0; i < n; i++) y[bo + i * bs] = x[ao + i * as]; }
            case INT32 -> { int[] x = (int[]) a, y = (int[]) b; for (int i = 0; i < n; i++) y[bo + i * bs] = x[ao + i * as]; }
            case INT64 -> { long[] x = (long[]) a, y = (long[]) b; for (int i = 0; i < n; i++) y[bo + i * bs] = x[ao + i * as]; }
            case INT8, BOOL -> { byte[] x = (byte[]) a, y = (byte[]) b; for (int i = 0; i < n; i++) y[bo + i * bs] = x[ao + i * as]; }
        }
    }

    static void fill(Storage dst, Layout d, double value) {
        StridedLoop loop = new StridedLoop(d);
        int ds = loop.innerStride(0);
        loop.forEach((off, n) -> {
            for (int i = 0; i < n; i++) set(dst, off[0] + i * ds, value);
        });
    }

    /** Element i of any host storage, as a double (exact for every value of every dtype but huge int64s). */
    static double get(Storage s, int i) {
        return switch (s.dtype()) {
            case FLOAT32 -> s.floats()[i];
            case INT32 -> s.ints()[i];
            case INT64 -> s.longs()[i];
            case INT8, BOOL -> s.bytes()[i];
        };
    }

    /** Stores v into element i, converting as PyTorch's {@code .to(dtype)} does (truncation toward zero; bool = v != 0). */
    static void set(Storage s, int i, double v) {
        switch (s.dtype()) {
            case FLOAT32 -> s.floats()[i] = (float) v;
            case INT32 -> s.ints()[i] = (int) v;
            case INT64 -> s.longs()[i] = (long) v;
            case INT8 -> s.bytes()[i] = (byte) (long) v;
            case BOOL -> s.bytes()[i] = (byte) (v != 0 ? 1 : 0);
        }
    }

    /** Reads index i of an int32 or int64 index storage. */
    static long index(Storage idx, int i) {
        return switch (idx.dtype()) {
            case INT64 -> idx.longs()[i];
            case INT32 -> idx.ints()[i];
            default -> throw new IllegalArgumentException("indices must be int32 or int64, got " + idx.dtype());
        };
    }
}
