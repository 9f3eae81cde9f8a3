package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.AttentionShape;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.CompareOp;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.ReduceOp;
import dev.jgrad.engine.backend.UnaryOp;

/**
 * The reference backend: every kernel as the plainest loop that computes it, single-threaded, accumulating
 * in double. It is what {@code -Djgrad.vector=false} runs and what every faster kernel is tested against,
 * so clarity wins over speed here.
 */
public class ScalarBackend implements Backend {

    @Override
    public String name() {
        return "cpu-scalar";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        return Storage.allocate(dtype, size);
    }

    @Override
    public void copy(Storage src, Layout s, Storage dst, Layout d) {
        HostCopy.copy(src, s, dst, d);
    }

    @Override
    public void fill(Storage dst, Layout d, double value) {
        HostCopy.fill(dst, d, value);
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Storage x, Layout xl, Storage out) {
        float[] xs = x.floats(), o = out.floats();
        StridedLoop loop = new StridedLoop(xl, Layout.contiguous(xl.shape()));
        int sx = loop.innerStride(0);
        loop.forEach((off, n) -> {
            for (int i = 0; i < n; i++) o[off[1] + i] = ScalarMath.unary(op, xs[off[0] + i * sx], a, b);
        });
    }

    @Override
    public void binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        float[] as = a.floats(), bs = b.floats(), o = out.floats();
        StridedLoop loop = new StridedLoop(al, bl, Layout.contiguous(al.shape()));
        int sa = loop.innerStride(0), sb = loop.innerStride(1);
        loop.forEach((off, n) -> {
            for (int i = 0; i < n; i++) o[off[2] + i] = ScalarMath.binary(op, as[off[0] + i * sa], bs[off[1] + i * sb]);
        });
    }

    @Override
    public void compare(CompareOp op, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        float[] as = a.floats(), bs = b.floats();
        byte[] o = out.bytes();
        StridedLoop loop = new StridedLoop(al, bl, Layout.contiguous(al.shape()));
        int sa = loop.innerStride(0), sb = loop.innerStride(1);
        loop.forEach((off, n) -> {
            for (int i = 0; i < n; i++) o[off[2] + i] = (byte) (op.test(as[off[0] + i * sa], bs[off[1] + i * sb]) ? 1 : 0);
        });
    }

    @Override
    public void where(Storage cond, Layout cl, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        StridedLoop loop = new StridedLoop(cl, al, bl, Layout.contiguous(al.shape()));
        loop.forEach(whereRun(loop, cond, a, b, out));
    }

    /** The body of {@code where} over runs of {@code loop} (cond, a, b, out), shared with the vector backend's parallel loop. */
    static StridedLoop.Run whereRun(StridedLoop loop, Storage cond, Storage a, Storage b, Storage out) {
        byte[] c = cond.bytes();
        float[] as = a.floats(), bs = b.floats(), o = out.floats();
        int sc = loop.innerStride(0), sa = loop.innerStride(1), sb = loop.innerStride(2);
        return (off, n) -> {
            for (int i = 0; i < n; i++) {
                o[off[3] + i] = c[off[0] + i * sc] != 0 ? as[off[1] + i * sa] : bs[off[2] + i * sb];
            }
        };
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out) {
        float[] xs = x.floats(), o = out.floats();
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                int base = p * len * inner + q;
                double acc = switch (op) {
                    case SUM -> 0.0;
                    case MAX -> Double.NEGATIVE_INFINITY;
                    case MIN -> Double.POSITIVE_INFINITY;
                };
                boolean nan = false;
                for (int r = 0; r < len; r++) {
                    float v = xs[base + r * inner];
                    nan |= Float.isNaN(v);
                    acc = switch (op) {
                        case SUM -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                    };
                }
                o[p * inner + q] = nan ? Float.NaN : (float) acc;
            }
        }
    }

    @Override
    public void argReduce(boolean max, Storage x, int outer, int len, int inner, Storage values, Storage indices) {
        float[] xs = x.floats(), v = values.floats();
        long[] ix = indices.longs();
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                int base = p * len * inner + q;
                int best = 0;
                float bv = xs[base];
                for (int r = 1; r < len && !Float.isNaN(bv); r++) {
                    float c = xs[base + r * inner];
                    if (Float.isNaN(c) || (max ? c > bv : c < bv)) {
                        bv = c;
                        best = r;
                    }
                }
                v[p * inner + q] = bv;
                ix[p * inner + q] = best;
            }
        }
    }

    @Override
    public void gemm(Gemm g) {
        float[] a = g.a().floats(), b = g.b().floats(), c = g.c().floats();
        for (int bt = 0; bt < g.batch(); bt++) {
            int ao = g.aOffset() + bt * g.aBatchStride();
            int bo = g.bOffset() + bt * g.bBatchStride();
            int co = g.cOffset() + bt * g.cBatchStride();
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double acc = 0;
                    for (int p = 0; p < g.k(); p++) {
                        acc += (double) a[ao + i * g.aRowStride() + p * g.aColStride()]
                                * b[bo + p * g.bRowStride() + j * g.bColStride()];
                    }
                    int ci = co + i * g.cRowStride() + j;
                    float v = g.accumulate() ? (float) (c[ci] + acc) : (float) acc;
                    if (g.bias() != null) v += g.bias().floats()[j];   // the epilogue: bias, then activation
                    if (g.activation() != null) v = ScalarMath.unary(g.activation(), v, 0f, 0f);
                    c[ci] = v;
                }
            }
        }
    }

    @Override
    public void softmax(boolean log, Storage x, int rows, int cols, Storage out) {
        float[] xs = x.floats(), o = out.floats();
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, xs[base + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += Math.exp(xs[base + c] - max);
            double logSum = Math.log(sum);
            for (int c = 0; c < cols; c++) {
                double z = xs[base + c] - max;
                o[base + c] = (float) (log ? z - logSum : Math.exp(z) / sum);
            }
        }
    }

    @Override
    public void softmaxBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx) {
        float[] ys = y.floats(), g = dy.floats(), o = dx.floats();
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double dot = 0;
            for (int c = 0; c < cols; c++) dot += log ? g[base + c] : (double) g[base + c] * ys[base + c];
            for (int c = 0; c < cols; c++) {
                int i = base + c;
                o[i] = (float) (log ? g[i] - Math.exp(ys[i]) * dot : ys[i] * (g[i] - dot));
            }
        }
    }

    @Override
    public void layerNorm(Storage x, Storage w, Storage b, int rows, int cols, float eps, Storage out, Storage mean, Storage rstd) {
        float[] xs = x.floats(), o = out.floats(), mu = mean.floats(), rs = rstd.floats();
        float[] ws = w == null ? null : w.floats(), bs = b == null ? null : b.floats();
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double m = 0;
            for (int c = 0; c < cols; c++) m += xs[base + c];
            m /= cols;
            double v = 0;
            for (int c = 0; c < cols; c++) v += (xs[base + c] - m) * (xs[base + c] - m);
            v /= cols;
            double s = 1.0 / Math.sqrt(v + eps);
            for (int c = 0; c < cols; c++) {
                double n = (xs[base + c] - m) * s;
                if (ws != null) n *= ws[c];
                if (bs != null) n += bs[c];
                o[base + c] = (float) n;
            }
            mu[r] = (float) m;
            rs[r] = (float) s;
        }
    }

    @Override
    public void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage dy, int rows, int cols,
                                  Storage dx, Storage dw, Storage db) {
        float[] xs = x.floats(), g = dy.floats(), o = dx.floats(), mu = mean.floats(), rs = rstd.floats();
        float[] ws = w == null ? null : w.floats();
        float[] dws = dw == null ? null : dw.floats(), dbs = db == null ? null : db.floats();
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            // With n = (x - mean)·rstd and dn = dy·w: dx = rstd·(dn − mean(dn) − n·mean(dn·n)).
            double sumDn = 0, sumDnN = 0;
            for (int c = 0; c < cols; c++) {
                double n = (xs[base + c] - mu[r]) * rs[r];
                double dn = g[base + c] * (ws == null ? 1.0 : ws[c]);
                sumDn += dn;
                sumDnN += dn * n;
                if (dws != null) dws[c] += (float) (g[base + c] * n);
                if (dbs != null) dbs[c] += g[base + c];
            }
            double meanDn = sumDn / cols, meanDnN = sumDnN / cols;
            for (int c = 0; c < cols; c++) {
                double n = (xs[base + c] - mu[r]) * rs[r];
                double dn = g[base + c] * (ws == null ? 1.0 : ws[c]);
                o[base + c] = (float) (rs[r] * (dn - meanDn - n * meanDnN));
            }
        }
    }

    @Override
    public void gatherRows(Storage table, int rows, int cols, Storage idx, int n, Storage out) {
        float[] t = table.floats(), o = out.floats();
        for (int i = 0; i < n; i++) {
            int row = checkedIndex(idx, i, rows, "embedding");
            System.arraycopy(t, row * cols, o, i * cols, cols);
        }
    }

    @Override
    public void scatterAddRows(Storage src, int cols, Storage idx, int n, Storage table) {
        float[] s = src.floats(), t = table.floats();
        int rows = table.size() / Math.max(cols, 1);
        for (int i = 0; i < n; i++) {
            int row = checkedIndex(idx, i, rows, "embedding backward");
            for (int c = 0; c < cols; c++) t[row * cols + c] += s[i * cols + c];
        }
    }

    /** Index i of idx, checked against [0, bound). */
    static int checkedIndex(Storage idx, int i, int bound, String op) {
        long v = HostCopy.index(idx, i);
        if (v < 0 || v >= bound) {
            throw new IndexOutOfBoundsException(op + ": index " + v + " is out of range [0, " + bound + ") at position " + i);
        }
        return (int) v;
    }

    @Override
    public void crossEntropy(Storage logp, Storage targets, Storage weights, int rows, int cols, int ignoreIndex,
                             float smoothing, Storage loss) {
        float[] lp = logp.floats(), l = loss.floats();
        float[] w = weights == null ? null : weights.floats();
        for (int r = 0; r < rows; r++) {
            long t = HostCopy.index(targets, r);
            if (t == ignoreIndex) {
                l[r] = 0f;
                continue;
            }
            int tc = checkedTarget(t, cols, r);
            int base = r * cols;
            double wt = w == null ? 1.0 : w[tc];
            double smooth = 0;
            if (smoothing != 0) for (int c = 0; c < cols; c++) smooth += (w == null ? 1.0 : w[c]) * lp[base + c];
            l[r] = (float) -((1.0 - smoothing) * wt * lp[base + tc] + smoothing / cols * smooth);
        }
    }

    @Override
    public void crossEntropyBackward(Storage logp, Storage targets, Storage weights, Storage dloss, int rows, int cols,
                                     int ignoreIndex, float smoothing, Storage dlogits) {
        float[] lp = logp.floats(), dl = dloss.floats(), o = dlogits.floats();
        float[] w = weights == null ? null : weights.floats();
        double wSum = 0;
        for (int c = 0; c < cols; c++) wSum += w == null ? 1.0 : w[c];
        for (int r = 0; r < rows; r++) {
            long t = HostCopy.index(targets, r);
            int base = r * cols;
            if (t == ignoreIndex) {
                for (int c = 0; c < cols; c++) o[base + c] = 0f;
                continue;
            }
            int tc = checkedTarget(t, cols, r);
            double wt = w == null ? 1.0 : w[tc];
            for (int c = 0; c < cols; c++) {
                double p = Math.exp(lp[base + c]);
                double wc = w == null ? 1.0 : w[c];
                double d = (1.0 - smoothing) * wt * (p - (c == tc ? 1.0 : 0.0)) + smoothing / cols * (wSum * p - wc);
                o[base + c] = (float) (dl[r] * d);
            }
        }
    }

    static int checkedTarget(long t, int classes, int row) {
        if (t < 0 || t >= classes) {
            throw new IndexOutOfBoundsException("crossEntropy: target " + t + " at position " + row
                    + " is out of range [0, " + classes + ")");
        }
        return (int) t;
    }

    @Override
    public void attentionForward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                 Storage out, Storage lse) {
        ScalarAttention.forward(s, q.floats(), k.floats(), v.floats(), bias == null ? null : bias.floats(), biasLayout,
                out.floats(), lse.floats());
    }

    @Override
    public void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                  Storage out, Storage lse, Storage dOut, Storage dq, Storage dk, Storage dv) {
        ScalarAttention.backward(s, q.floats(), k.floats(), v.floats(), bias == null ? null : bias.floats(), biasLayout,
                out.floats(), lse.floats(), dOut.floats(), dq.floats(), dk.floats(), dv.floats());
    }

    @Override
    public void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, float bias1, float bias2) {
        float[] p = param.floats(), g = grad.floats(), ms = m.floats(), vs = v.floats();
        for (int i = 0; i < n; i++) {
            double pi = p[i] - (double) lr * weightDecay * p[i];
            double mi = beta1 * (double) ms[i] + (1.0 - beta1) * g[i];
            double vi = beta2 * (double) vs[i] + (1.0 - beta2) * g[i] * (double) g[i];
            pi -= lr * (mi / bias1) / (Math.sqrt(vi / bias2) + eps);
            p[i] = (float) pi;
            ms[i] = (float) mi;
            vs[i] = (float) vi;
        }
    }
}
