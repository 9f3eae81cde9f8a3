package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.cpu.ScalarBackend;
import dev.jgrad.engine.ops.Attention;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every op on CUDA against the CPU backend, forward and backward: the same function runs on host copies and on
 * device copies of the same inputs, then outputs and input gradients are compared within fp32 tolerance (TF32
 * and BF16 GEMMs within the tolerances documented on {@link MatmulPrecision}). Skipped, with the reason,
 * where there is no GPU.
 */
class CudaBackendTest {
    static final Device GPU = Device.cuda(0);

    @BeforeEach
    void needsGpu() {
        assumeTrue(Device.cudaAvailable(), Device.cudaUnavailableReason());
        CudaBackend.setMatmulPrecision(MatmulPrecision.FP32);
    }

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }

    static void close(String what, float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = 0;
        for (float v : want) if (Float.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i]) || Float.isInfinite(want[i])) {
                assertEquals(want[i], got[i], 0.0, what + ": element " + i);
                continue;
            }
            double err = Math.abs(want[i] - got[i]);
            assertTrue(err <= tol * (1 + Math.abs(want[i])) + tol * 1e-2 * scale,
                    what + ": element " + i + " want " + want[i] + " got " + got[i]);
        }
    }

    /** f on host and on device copies of {@code inputs} (float ones get gradients); compares values and grads. */
    static void check(String name, double tol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] h = new Tensor[inputs.length], d = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            boolean grad = inputs[i].dtype() == DType.FLOAT32;
            h[i] = inputs[i].detach().contiguousCopy().requiresGrad(grad);
            d[i] = inputs[i].detach().to(GPU).requiresGrad(grad);
        }
        Tensor yh = f.apply(h), yd = f.apply(d);
        assertEquals(GPU, yd.device(), name + ": output device");
        assertArrayEquals(yh.shape(), yd.shape(), name + ": shape");
        close(name + " forward", yh.toFloatArray(), yd.toFloatArray(), tol);
        if (yh.dtype() != DType.FLOAT32 || !yh.requiresGrad()) return;
        Tensor up = randn(99, yh.shape());
        yh.mul(up).sum().backward();
        yd.mul(up.to(GPU)).sum().backward();
        for (int i = 0; i < inputs.length; i++) {
            if (h[i].grad() == null) continue;
            assertEquals(GPU, d[i].grad().device(), name + ": grad device");
            close(name + " grad " + i, h[i].grad().toFloatArray(), d[i].grad().toFloatArray(), tol);
        }
    }

    static final double TOL = 2e-5;

    @Test
    void transfersRoundTrip() {
        Tensor x = randn(1, 3, 4);
        Tensor back = x.to(GPU).cpu();
        assertArrayEquals(x.toFloatArray(), back.toFloatArray());
        Tensor idx = Tensor.fromArray(new long[] {Long.MAX_VALUE, -3, 7}, 3);
        assertArrayEquals(idx.toLongArray(), idx.to(GPU).cpu().toLongArray());
        Tensor t = x.to(GPU).transpose(0, 1).contiguous();
        assertArrayEquals(x.transpose(0, 1).contiguous().toFloatArray(), t.toFloatArray());
        assertThrows(IllegalStateException.class, () -> x.to(GPU).storage().floats());
    }

    @Test
    void dtypeConversions() {
        Tensor x = Tensor.fromArray(new float[] {-2.7f, -0.5f, 0f, 0.5f, 3.9f, 300f}, 6);
        for (DType t : DType.values()) {
            assertArrayEquals(x.to(t).toFloatArray(), x.to(GPU).to(t).toFloatArray(), 0f, "to " + t);
        }
    }

    @Test
    void elementwiseUnary() {
        Tensor x = randn(2, 4, 5, 6);
        Tensor pos = x.abs().add(0.1f);
        check("neg", TOL, a -> a[0].neg(), x);
        check("exp", TOL, a -> a[0].exp(), x);
        check("log", TOL, a -> a[0].log(), pos);
        check("sqrt", TOL, a -> a[0].sqrt(), pos);
        check("rsqrt", TOL, a -> a[0].rsqrt(), pos);
        check("abs", TOL, a -> a[0].abs(), x);
        check("tanh", TOL, a -> a[0].tanh(), x);
        check("sigmoid", TOL, a -> a[0].sigmoid(), x);
        check("relu", TOL, a -> a[0].relu(), x);
        check("gelu", TOL, a -> a[0].gelu(), x);
        check("gelu tanh", TOL, a -> a[0].gelu(true), x);
        check("silu", TOL, a -> a[0].silu(), x);
        check("pow", TOL, a -> a[0].pow(3f), x);
        check("affine", TOL, a -> a[0].mul(2.5f).add(1f), x);
        check("clamp", TOL, a -> a[0].clamp(-0.5f, 0.7f), x);
        check("strided input", TOL, a -> a[0].transpose(0, 2).exp(), x);
    }

    @Test
    void elementwiseBinaryBroadcastAndWhere() {
        Tensor a = randn(3, 4, 1, 6), b = randn(4, 5, 1), c = randn(5, 6);
        check("add", TOL, t -> t[0].add(t[1]), a, b);
        check("sub", TOL, t -> t[0].sub(t[1]), a, c);
        check("mul", TOL, t -> t[0].mul(t[1]), a, b);
        check("div", TOL, t -> t[0].div(t[1].abs().add(0.5f)), a, b);
        check("pow", TOL, t -> t[0].abs().add(0.1f).pow(t[1]), a, b);
        check("maximum", TOL, t -> t[0].maximum(t[1]), a, b);
        check("minimum", TOL, t -> t[0].minimum(t[1]), a, c);
        check("compare", 0, t -> t[0].gt(t[1]).to(DType.FLOAT32), a, b);
        check("compare scalar", 0, t -> t[0].lt(0.25f).to(DType.FLOAT32), a);
        check("where", TOL, t -> Tensor.where(t[0].gt(t[1]), t[0], t[1].mul(2f)), a, b);
    }

    @Test
    void reductions() {
        Tensor x = randn(3, 4, 50, 7);
        check("sum all", 1e-4, t -> t[0].sum(), x);
        check("sum last", TOL, t -> t[0].sum(3, false), x);
        check("sum middle", TOL, t -> t[0].sum(new int[] {1, 2}, true), x);
        check("mean", TOL, t -> t[0].mean(2, false), x);
        check("amax last", TOL, t -> t[0].amax(new int[] {3}, false), x);
        check("amin middle", TOL, t -> t[0].amin(new int[] {2}, true), x);
        check("var", 1e-4, t -> t[0].var(new int[] {2}, true, false), x);
        check("logsumexp", TOL, t -> t[0].logsumexp(new int[] {3}, false), x);
        check("argmax last", 0, t -> t[0].argmax(3, false).to(DType.FLOAT32), x);
        check("argmin middle", 0, t -> t[0].argmin(2, false).to(DType.FLOAT32), x);
        Tensor ties = Tensor.fromArray(new float[] {1, 3, 3, Float.NaN, 2, Float.NaN}, 2, 3);
        check("argmax ties and NaN", 0, t -> t[0].argmax(1, false).to(DType.FLOAT32), ties);
        check("long rows", 1e-4, t -> t[0].sum(1, false), randn(3, 5, 10000));
    }

    @Test
    void matmulAllPrecisions() {
        Tensor a = randn(4, 2, 70, 90), b = randn(5, 90, 130), w = randn(6, 130, 90);
        check("matmul fp32", 1e-4, t -> t[0].matmul(t[1]), a, b);
        check("matmul transposed", 1e-4, t -> t[0].matmul(t[1].mT()), a, w);
        check("matmul batch broadcast", 1e-4, t -> t[0].matmul(t[1]), randn(7, 3, 5, 33), randn(8, 33, 17));
        check("matvec", 1e-4, t -> t[0].matmul(t[1]), randn(9, 40, 300), randn(10, 300));
        CudaBackend.setMatmulPrecision(MatmulPrecision.TF32);
        try {
            check("matmul tf32", 5e-3, t -> t[0].matmul(t[1]), a, b);
            CudaBackend.setMatmulPrecision(MatmulPrecision.BF16);
            check("matmul bf16", 3e-2, t -> t[0].matmul(t[1]), a, b);
        } finally {
            CudaBackend.setMatmulPrecision(MatmulPrecision.FP32);
        }
    }

    @Test
    void gemmAccumulatesAndLargeSizes() {
        CudaBackend be = (CudaBackend) Backends.forDevice(GPU);
        for (MatmulPrecision p : MatmulPrecision.values()) {
            int m = 257, n = 300, k = 515;
            Tensor a = randn(11, m, k), b = randn(12, k, n), c0 = randn(13, m, n);
            Tensor ref = a.matmul(b).add(c0);
            Tensor da = a.to(GPU), db = b.to(GPU), dc = c0.to(GPU).contiguousCopy();
            be.gemm(new Gemm(1, m, n, k, da.storage(), 0, 0, k, 1, db.storage(), 0, 0, n, 1, dc.storage(), 0, 0, n, true), p);
            double tol = p == MatmulPrecision.FP32 ? 1e-4 : p == MatmulPrecision.TF32 ? 5e-3 : 3e-2;
            close("gemm accumulate " + p, ref.toFloatArray(), dc.toFloatArray(), tol);
        }
    }

    @Test
    void int8Gemm() {
        int m = 67, n = 45, k = 131;
        byte[] a = new byte[m * k], b = new byte[n * k];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < a.length; i++) a[i] = (byte) (r.nextInt(256) - 128);
        for (int i = 0; i < b.length; i++) b[i] = (byte) (r.nextInt(256) - 128);
        int[] want = new int[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                int s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                want[i * n + j] = s;
            }
        CudaBackend be = (CudaBackend) Backends.forDevice(GPU);
        Storage da = be.upload(Storage.wrap(a, DType.INT8)), db = be.upload(Storage.wrap(b, DType.INT8));
        Storage dc = be.allocate(DType.INT32, m * n);
        be.gemmInt8(da, db, dc, m, n, k);
        assertArrayEquals(want, be.download(dc).ints());
    }

    @Test
    void rowWise() {
        Tensor x = randn(20, 6, 7, 300);
        check("softmax", TOL, t -> t[0].softmax(-1), x);
        check("softmax dim 1", TOL, t -> t[0].softmax(1), x);
        check("log softmax", TOL, t -> dev.jgrad.engine.ops.Softmax.softmax(t[0], -1, true), x);
        check("softmax short rows", TOL, t -> t[0].softmax(-1), randn(21, 50, 5));
        Tensor w = randn(22, 300), b = randn(23, 300);
        check("layer norm", 1e-4, t -> F.layerNorm(t[0], new int[] {300}, t[1], t[2], 1e-5f), x, w, b);
        check("layer norm no affine", 1e-4, t -> F.layerNorm(t[0], new int[] {300}, null, null, 1e-5f), x);
        check("layer norm long rows", 1e-4, t -> F.layerNorm(t[0], new int[] {3000}, t[1], null, 1e-5f), randn(24, 9, 3000), randn(25, 3000));
    }

    @Test
    void embeddingAndCrossEntropy() {
        Tensor table = randn(30, 50, 16);
        Tensor idx = Tensor.fromArray(new long[] {3, 7, 3, 49, 0, 7, 7, 12}, 2, 4);
        check("embedding", TOL, t -> F.embedding(t[0], t[1]), table, idx);
        Tensor logits = randn(31, 12, 10);
        Tensor targets = Tensor.fromArray(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -100, 3}, 12);
        check("cross entropy", TOL, t -> F.crossEntropy(t[0], t[1]), logits, targets);
        Tensor cw = randn(32, 10).abs().add(0.1f);
        check("cross entropy weighted smoothed", TOL, t -> F.crossEntropy(t[0], t[1], t[2], -100,
                0.1f, dev.jgrad.engine.ops.Losses.Reduction.MEAN), logits, targets, cw);
        Tensor bad = Tensor.fromArray(new long[] {1, 50}, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> F.embedding(table.to(GPU), bad.to(GPU)));
        Tensor badT = Tensor.fromArray(new long[] {1, 10, 2, 3, 4, 5, 6, 7, 8, 9, 0, 3}, 12);
        assertThrows(IndexOutOfBoundsException.class, () -> F.crossEntropy(logits.to(GPU), badT.to(GPU)));
    }

    @Test
    void fusedAttention() {
        Tensor q = randn(40, 2, 3, 37, 64), k = randn(41, 2, 3, 45, 64), v = randn(42, 2, 3, 45, 32);
        var fused = Attention.Options.DEFAULT.withImpl(Attention.Impl.FUSED);
        check("attention", 1e-4, t -> Attention.scaledDotProduct(t[0], t[1], t[2], fused), q, k, v);
        check("attention causal", 1e-4, t -> Attention.scaledDotProduct(t[0], t[1], t[2], fused.withCausal(true)), q, k, v);
        Tensor bias = randn(43, 1, 3, 37, 45);
        check("attention bias", 1e-4, t -> Attention.scaledDotProduct(t[0], t[1], t[2], fused.withMask(t[3])), q, k, v, bias);
        Tensor big = randn(44, 1, 2, 200, 128);
        check("attention d128", 1e-4, t -> Attention.scaledDotProduct(t[0], t[0], t[0], fused.withCausal(true)), big);
        check("attention math path", 1e-4, t -> Attention.scaledDotProduct(t[0], t[1], t[2],
                Attention.Options.DEFAULT.withImpl(Attention.Impl.MATH).withCausal(true)), q, k, v);
    }

    @Test
    void adamwMatchesTheCpuFormula() {
        int n = 1000;
        float[] p = randn(50, n).toFloatArray(), g = randn(51, n).toFloatArray();
        float[] m = randn(52, n).toFloatArray(), v = randn(53, n).abs().toFloatArray();
        CudaBackend be = (CudaBackend) Backends.forDevice(GPU);
        Storage dp = be.upload(Storage.wrap(p.clone())), dg = be.upload(Storage.wrap(g)), dm = be.upload(Storage.wrap(m.clone())),
                dv = be.upload(Storage.wrap(v.clone()));
        float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f, c1 = 1 - 0.9f * 0.9f, c2 = 1 - 0.999f * 0.999f;
        be.adamw(dp, dg, dm, dv, n, lr, b1, b2, eps, wd, c1, c2);
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            double pi = p[i] - (double) lr * wd * p[i];
            double mi = b1 * (double) m[i] + (1.0 - b1) * g[i];
            double vi = b2 * (double) v[i] + (1.0 - b2) * g[i] * (double) g[i];
            want[i] = (float) (pi - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
        }
        close("adamw", want, be.download(dp).floats(), 1e-6);
    }

    @Test
    void joinsViewsAndInPlace() {
        Tensor a = randn(60, 4, 6), b = randn(61, 4, 6);
        check("cat", TOL, t -> Tensor.cat(List.of(t[0], t[1]), 1), a, b);
        check("stack", TOL, t -> Tensor.stack(List.of(t[0], t[1]), 0), a, b);
        check("slice select", TOL, t -> t[0].slice(1, 1, 6, 2).select(0, 2).exp(), a);
        check("permute reshape", TOL, t -> t[0].permute(1, 0).reshape(3, 8).tanh(), a);
    }

    @Test
    void allocatorReusesBlocks() {
        CudaBackend be = (CudaBackend) Backends.forDevice(GPU);
        Tensor x = randn(70, 256, 256).to(GPU);
        for (int i = 0; i < 20; i++) x.mul(x).sum().item();
        be.emptyCache();
        long before = be.memoryStats().driverAllocs();
        for (int i = 0; i < 200; i++) {
            x.mul(x).sum().item();
            if (i % 50 == 0) be.memoryStats();
        }
        CudaAllocator.Stats s = be.memoryStats();
        assertTrue(s.driverAllocs() - before < 20, "the cache should serve repeated shapes: " + s);
        assertThrows(IllegalArgumentException.class, () -> x.add(Tensor.ones(256, 256)));
    }

    @Test
    void unusedBackendIsNotScalar() {
        assertTrue(!(Backends.forDevice(GPU) instanceof ScalarBackend));
    }
}
