package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.AttentionShape;
import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.ReduceOp;
import dev.jgrad.engine.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU backend: JDK Vector API kernels with scalar tails, split over the {@link Parallel} pool.
 *
 * <p>The hot kernel families are overridden here, each in its own file: elementwise ({@link VecElementwise}),
 * reductions ({@link VecReduce}), row kernels for softmax and LayerNorm ({@link VecRows}), GEMM
 * ({@link VecGemm}) and fused attention ({@link VecAttention}). The rest (copies, comparisons, gathers, cross-entropy's per-row pick) inherit the scalar
 * reference: they move data rather than compute, and profiles of training steps do not show them.
 *
 * <p>The vector width is the JVM's preferred species unless {@code -Djgrad.vector.bits=128|256|512} asks for
 * another (benchmarks compare widths with it).
 */
public final class VectorBackend extends ScalarBackend {
    /** The float species every vector kernel uses. */
    static final VectorSpecies<Float> SPECIES = chooseSpecies();

    /** Elements below which an elementwise kernel stays on one thread (thread hand-off costs ~10 µs). */
    static final long GRAIN = 1 << 15;

    private static VectorSpecies<Float> chooseSpecies() {
        String bits = System.getProperty("jgrad.vector.bits");
        if (bits == null || bits.isBlank()) return FloatVector.SPECIES_PREFERRED;
        VectorShape shape = switch (bits.trim()) {
            case "64" -> VectorShape.S_64_BIT;
            case "128" -> VectorShape.S_128_BIT;
            case "256" -> VectorShape.S_256_BIT;
            case "512" -> VectorShape.S_512_BIT;
            default -> throw new IllegalArgumentException("jgrad.vector.bits must be 64, 128, 256 or 512, got " + bits);
        };
        return VectorSpecies.of(float.class, shape);
    }

    /** The species in use, e.g. {@code Species[float, 8, S_256_BIT]}. */
    public static VectorSpecies<Float> species() {
        return SPECIES;
    }

    /**
     * The GEMM register tile, e.g. {@code "6x64 (6 rows x 4 vectors of 16 floats)"}: how many C elements one
     * micro-kernel call keeps in registers (see VecGemm).
     */
    public static String gemmTile() {
        return VecGemm.MR + "x" + VecGemm.NR + " (" + VecGemm.MR + " rows x " + VecGemm.NV + " vectors of " + SPECIES.length() + " floats)";
    }

    /**
     * GEMM's cache blocking and what chose it, e.g. {@code "KC=256, 1 A panel per B panel sweep (L1d 32 KB,
     * sysfs)"}: the depth of a packed block and how many A panels share one pass over the B panels (see VecGemm).
     */
    public static String gemmBlocking() {
        return "KC=" + VecGemm.KC + ", " + VecGemm.G + " A panel" + (VecGemm.G == 1 ? "" : "s") + " per B panel sweep (L1d "
                + Caches.L1D_BYTES / 1024 + " KB, " + Caches.L1D_SOURCE + ")";
    }

    /**
     * The cache sizes the kernels choose by and where each came from, e.g. {@code "L1d 32 KB (sysfs), L3 32 MB
     * (sysfs)"}: GEMM's blocking and softmax's finishing lag follow the L1d, softmax's form the L3 (see Caches).
     */
    public static String caches() {
        return "L1d " + Caches.L1D_BYTES / 1024 + " KB (" + Caches.L1D_SOURCE + "), L3 " + (Caches.L3_BYTES >> 20) + " MB ("
                + Caches.L3_SOURCE + ")";
    }

    @Override
    public String name() {
        return "cpu-vector";
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Storage x, Layout xl, Storage out) {
        VecElementwise.unary(op, a, b, x.floats(), xl, out.floats());
    }

    @Override
    public void binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        VecElementwise.binary(op, a.floats(), al, b.floats(), bl, out.floats());
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out) {
        VecReduce.reduce(op, x.floats(), outer, len, inner, out.floats());
    }

    @Override
    public void gemm(Gemm g) {
        VecGemm.gemm(g);
    }

    @Override
    public void gemmAll(Gemm[] products) {
        VecGemm.gemmAll(products);
    }

    @Override
    public void softmax(boolean log, Storage x, int rows, int cols, Storage out) {
        VecRows.softmax(log, x.floats(), rows, cols, out.floats());
    }

    @Override
    public void softmaxBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx) {
        VecRows.softmaxBackward(log, y.floats(), dy.floats(), rows, cols, dx.floats());
    }

    /** The scalar loop split over the pool: attention masks select over whole score matrices. */
    @Override
    public void where(Storage cond, Layout cl, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        StridedLoop loop = new StridedLoop(cl, al, bl, Layout.contiguous(al.shape()));
        StridedLoop.Run body = whereRun(loop, cond, a, b, out);
        Parallel.forRange(loop.size(), GRAIN, (lo, hi) -> loop.forEach(lo, hi, body));
    }

    /** The unweighted, unsmoothed case (every LM and classifier loss here) in SIMD; the others run the scalar reference. */
    @Override
    public void crossEntropyBackward(Storage logp, Storage targets, Storage weights, Storage dloss, int rows, int cols,
                                     int ignoreIndex, float smoothing, Storage dlogits) {
        if (weights != null || smoothing != 0) {
            super.crossEntropyBackward(logp, targets, weights, dloss, rows, cols, ignoreIndex, smoothing, dlogits);
            return;
        }
        VecRows.crossEntropyBackward(logp.floats(), targets, dloss.floats(), rows, cols, ignoreIndex, dlogits.floats());
    }

    @Override
    public void layerNorm(Storage x, Storage w, Storage b, int rows, int cols, float eps, Storage out, Storage mean, Storage rstd) {
        VecRows.layerNorm(x.floats(), w == null ? null : w.floats(), b == null ? null : b.floats(), rows, cols, eps,
                out.floats(), mean.floats(), rstd.floats());
    }

    @Override
    public void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage dy, int rows, int cols,
                                  Storage dx, Storage dw, Storage db) {
        VecRows.layerNormBackward(x.floats(), w == null ? null : w.floats(), mean.floats(), rstd.floats(), dy.floats(),
                rows, cols, dx.floats(), dw == null ? null : dw.floats(), db == null ? null : db.floats());
    }

    @Override
    public void attentionForward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                 Storage out, Storage lse) {
        VecAttention.forward(s, q.floats(), k.floats(), v.floats(), bias == null ? null : bias.floats(), biasLayout,
                out.floats(), lse.floats());
    }

    @Override
    public void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                  Storage out, Storage lse, Storage dOut, Storage dq, Storage dk, Storage dv) {
        VecAttention.backward(s, q.floats(), k.floats(), v.floats(), bias == null ? null : bias.floats(), biasLayout,
                out.floats(), lse.floats(), dOut.floats(), dq.floats(), dk.floats(), dv.floats());
    }

    @Override
    public void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, float bias1, float bias2) {
        VecOptim.adamw(param.floats(), grad.floats(), m.floats(), v.floats(), n, lr, beta1, beta2, eps, weightDecay,
                bias1, bias2);
    }

    /**
     * Same-dtype copies split over the pool: one core cannot saturate memory bandwidth alone, and strided copies
     * (a permute made contiguous, attention heads gathered for a batched product) ran on the calling thread
     * while the other core waited.
     */
    @Override
    public void copy(Storage src, Layout s, Storage dst, Layout d) {
        if (src.dtype() != dst.dtype() || s.numel() <= 4 * GRAIN) {
            super.copy(src, s, dst, d);
        } else if (s.isContiguous() && d.isContiguous()) {
            Object a = src.data(), b = dst.data();
            int so = s.offset(), dOff = d.offset();
            Parallel.forRange(s.numel(), 4 * GRAIN, (lo, hi) -> System.arraycopy(a, so + (int) lo, b, dOff + (int) lo, (int) (hi - lo)));
        } else {
            HostCopy.copyRange(src, s, dst, d, GRAIN);
        }
    }
}
