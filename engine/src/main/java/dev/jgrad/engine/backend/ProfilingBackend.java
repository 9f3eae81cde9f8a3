package dev.jgrad.engine.backend;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend that runs another and times every call to it, grouped by kernel and shape: where a training step
 * spends its time, in the terms of the backend interface (one GEMM shape, one elementwise op on one shape,
 * ...), like {@code torch.profiler}'s table of operators. {@code jgrad bench encoder-step --profile} prints it.
 *
 * <p>A decorator over the narrow interface, so it measures any backend without touching it. What it cannot
 * see is what runs outside backend calls: autograd's bookkeeping and the host-only ops (dropout's mask
 * stream). Each call costs two {@code System.nanoTime()} reads, ~50 ns, next to calls that take microseconds
 * to milliseconds. Allocation is a call too ({@code allocate}): on the JVM it is the zeroing of a fresh array.
 */
public final class ProfilingBackend implements Backend {
    private final Backend inner;
    private final Map<String, long[]> stats = new ConcurrentHashMap<>(); // key -> {calls, nanos, flops}

    /** One row of the profile: a kernel on one shape, summed over its calls. */
    public record Entry(String kernel, long calls, long nanos, double flops) {}

    public ProfilingBackend(Backend inner) {
        this.inner = inner;
    }

    /** The backend being timed. */
    public Backend inner() {
        return inner;
    }

    /** The backend under any profiling wrappers (for code that picks a kernel by backend type). */
    public static Backend unwrap(Backend b) {
        while (b instanceof ProfilingBackend p) b = p.inner;
        return b;
    }

    /** Forgets everything timed so far (after warm-up, say). */
    public void reset() {
        stats.clear();
    }

    /** The rows so far, the most time first. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        stats.forEach((k, v) -> {
            synchronized (v) {
                out.add(new Entry(k, v[0], v[1], Double.longBitsToDouble(v[2])));
            }
        });
        out.sort(Comparator.comparingLong(Entry::nanos).reversed().thenComparing(Entry::kernel));
        return out;
    }

    /** Runs one backend call and adds its time (and flops) to key's row. */
    private void timed(String key, double flops, Runnable call) {
        long t0 = System.nanoTime();
        call.run();
        record(key, t0, flops);
    }

    private void record(String key, long t0, double flops) {
        long dt = System.nanoTime() - t0;
        long[] v = stats.computeIfAbsent(key, k -> new long[3]);
        synchronized (v) {
            v[0]++;
            v[1] += dt;
            v[2] = Double.doubleToRawLongBits(Double.longBitsToDouble(v[2]) + flops);
        }
    }

    private static String shape(Layout l) {
        return Arrays.toString(l.shape()) + (l.isContiguous() ? "" : " strided");
    }

    /** "gemm 64×[128×128×64] A·Bᵀ +bias,GELU_ERF": batch, M×N×K, which operands are read transposed, the epilogue. */
    static String gemmKey(Gemm g) {
        boolean at = g.aRowStride() == 1 && g.aColStride() != 1, bt = g.bRowStride() == 1 && g.bColStride() != 1;
        String mnk = g.m() + "×" + g.n() + "×" + g.k();
        StringBuilder key = new StringBuilder("gemm ").append(g.batch() > 1 ? g.batch() + "×[" + mnk + "]" : mnk)
                .append(at ? " Aᵀ" : " A").append(bt ? "·Bᵀ" : "·B");
        if (g.accumulate()) key.append(" +=");
        if (g.hasEpilogue()) {
            List<String> epilogue = new ArrayList<>();
            if (g.bias() != null) epilogue.add("bias");
            if (g.activation() != null) epilogue.add(g.activation().name());
            key.append(" +").append(String.join(",", epilogue));
        }
        return key.toString();
    }

    @Override public String name() { return inner.name(); }

    @Override public Device device() { return inner.device(); }

    @Override
    public Storage allocate(DType dtype, int size) {
        long t0 = System.nanoTime();
        Storage s = inner.allocate(dtype, size);
        record("allocate " + dtype, t0, 0);
        return s;
    }

    @Override
    public void copy(Storage src, Layout s, Storage dst, Layout d) {
        timed("copy " + src.dtype() + "→" + dst.dtype() + " " + shape(s), 0, () -> inner.copy(src, s, dst, d));
    }

    @Override
    public void fill(Storage dst, Layout d, double value) {
        timed("fill " + shape(d), 0, () -> inner.fill(dst, d, value));
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Storage x, Layout xl, Storage out) {
        timed(op + " " + shape(xl), 0, () -> inner.unary(op, a, b, x, xl, out));
    }

    @Override
    public void binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        timed(op + " " + shape(al) + ", " + shape(bl), 0, () -> inner.binary(op, a, al, b, bl, out));
    }

    @Override
    public void compare(CompareOp op, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        timed(op + " " + shape(al) + ", " + shape(bl), 0, () -> inner.compare(op, a, al, b, bl, out));
    }

    @Override
    public void where(Storage cond, Layout cl, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        timed("where " + shape(cl), 0, () -> inner.where(cond, cl, a, al, b, bl, out));
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out) {
        timed("reduce " + op + " " + outer + "×" + len + "×" + inner, 0,
                () -> this.inner.reduce(op, x, outer, len, inner, out));
    }

    @Override
    public void argReduce(boolean max, Storage x, int outer, int len, int inner, Storage values, Storage indices) {
        timed((max ? "argmax " : "argmin ") + outer + "×" + len + "×" + inner, 0,
                () -> this.inner.argReduce(max, x, outer, len, inner, values, indices));
    }

    @Override
    public void gemm(Gemm g) {
        timed(gemmKey(g), g.flops(), () -> inner.gemm(g));
    }

    @Override
    public void gemmAll(Gemm[] products) {
        double flops = 0;
        for (Gemm g : products) flops += g.flops();
        timed(products.length + "×" + gemmKey(products[0]), flops, () -> inner.gemmAll(products));
    }

    @Override
    public void softmax(boolean log, Storage x, int rows, int cols, Storage out) {
        timed((log ? "logSoftmax " : "softmax ") + rows + "×" + cols, 0, () -> inner.softmax(log, x, rows, cols, out));
    }

    @Override
    public void softmaxBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx) {
        timed((log ? "logSoftmax" : "softmax") + " backward " + rows + "×" + cols, 0,
                () -> inner.softmaxBackward(log, y, dy, rows, cols, dx));
    }

    @Override
    public void layerNorm(Storage x, Storage w, Storage b, int rows, int cols, float eps, Storage out, Storage mean, Storage rstd) {
        timed("layerNorm " + rows + "×" + cols, 0, () -> inner.layerNorm(x, w, b, rows, cols, eps, out, mean, rstd));
    }

    @Override
    public void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage dy, int rows, int cols,
                                  Storage dx, Storage dw, Storage db) {
        timed("layerNorm backward " + rows + "×" + cols, 0,
                () -> inner.layerNormBackward(x, w, mean, rstd, dy, rows, cols, dx, dw, db));
    }

    @Override
    public void gatherRows(Storage table, int rows, int cols, Storage idx, int n, Storage out) {
        timed("gatherRows " + n + " of " + rows + "×" + cols, 0, () -> inner.gatherRows(table, rows, cols, idx, n, out));
    }

    @Override
    public void scatterAddRows(Storage src, int cols, Storage idx, int n, Storage table) {
        timed("scatterAddRows " + n + "×" + cols, 0, () -> inner.scatterAddRows(src, cols, idx, n, table));
    }

    @Override
    public void crossEntropy(Storage logp, Storage targets, Storage weights, int rows, int cols, int ignoreIndex,
                             float smoothing, Storage loss) {
        timed("crossEntropy " + rows + "×" + cols, 0,
                () -> inner.crossEntropy(logp, targets, weights, rows, cols, ignoreIndex, smoothing, loss));
    }

    @Override
    public void crossEntropyBackward(Storage logp, Storage targets, Storage weights, Storage dloss, int rows, int cols,
                                     int ignoreIndex, float smoothing, Storage dlogits) {
        timed("crossEntropy backward " + rows + "×" + cols, 0,
                () -> inner.crossEntropyBackward(logp, targets, weights, dloss, rows, cols, ignoreIndex, smoothing, dlogits));
    }

    @Override
    public void attentionForward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                 Storage out, Storage lse) {
        timed("attention " + s.batch() + "×" + s.heads() + "×" + s.tq() + "×" + s.tk() + "×" + s.d(), 0,
                () -> inner.attentionForward(s, q, k, v, bias, biasLayout, out, lse));
    }

    @Override
    public void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                  Storage out, Storage lse, Storage dOut, Storage dq, Storage dk, Storage dv) {
        timed("attention backward " + s.batch() + "×" + s.heads() + "×" + s.tq() + "×" + s.tk() + "×" + s.d(), 0,
                () -> inner.attentionBackward(s, q, k, v, bias, biasLayout, out, lse, dOut, dq, dk, dv));
    }

    @Override
    public void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, float bias1, float bias2) {
        timed("adamw " + n, 0, () -> inner.adamw(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, bias1, bias2));
    }
}
