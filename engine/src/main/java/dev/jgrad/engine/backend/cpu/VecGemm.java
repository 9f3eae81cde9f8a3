package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.Gemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM in the style of GotoBLAS/BLIS: C is computed in MR×NR tiles by a register-blocked micro-kernel
 * that reads A and B from packed panels.
 *
 * <pre>
 * for jc over N in NC columns:            B block  [KC, NC]  packed once, shared by all threads
 *   for pc over K in KC:                  (KC rows of B stay in L2 while we sweep M)
 *     parallel for (ic over M in MC rows) × (column groups of NR panels):
 *       pack A block [MC, KC] into MR-row panels (k-major)
 *       for each NR panel, for each MR panel: micro-kernel → C tile
 * </pre>
 *
 * The micro-kernel keeps MR × (NR/L) accumulators in vector registers: with MR = 6 and NR = 2 lanes-worth
 * that is 12 accumulators + 2 B vectors + 1 broadcast A value = 15 registers, which fits AVX2's 16 (and
 * leaves room on AVX-512's 32). Every operand is read through strides during packing, so transposed A or B
 * costs nothing extra. Tiny products skip packing (the copy would cost more than it saves).
 */
final class VecGemm {
    private VecGemm() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();
    static final int MR = 6, NR = 2 * L;
    static final int KC = 256, MC = 120, NC = 4096;

    /** Products smaller than this (in multiply-adds) take the unpacked path. */
    private static final long SMALL = 32 * 32 * 32;

    private static final ThreadLocal<float[]> A_PACK = ThreadLocal.withInitial(() -> new float[MC * KC]);

    static void gemm(Gemm g) {
        long perMatrix = (long) g.m() * g.n() * g.k();
        if (g.batch() > 1 && (perMatrix < 256L * 256 * 64 || g.batch() >= 4 * Parallel.threads())) {
            // many small products: one matrix per task, each computed serially
            Parallel.forRange(g.batch(), 1, (lo, hi) -> {
                for (int b = (int) lo; b < hi; b++) one(g, b);
            });
        } else {
            for (int b = 0; b < g.batch(); b++) one(g, b);
        }
    }

    private static void one(Gemm g, int batch) {
        int ao = g.aOffset() + batch * g.aBatchStride();
        int bo = g.bOffset() + batch * g.bBatchStride();
        int co = g.cOffset() + batch * g.cBatchStride();
        if (g.k() == 0) {
            if (!g.accumulate()) for (int i = 0; i < g.m(); i++) java.util.Arrays.fill(g.c().floats(), co + i * g.cRowStride(), co + i * g.cRowStride() + g.n(), 0f);
            return;
        }
        if ((long) g.m() * g.n() * g.k() <= SMALL) small(g, ao, bo, co);
        else blocked(g, ao, bo, co);
    }

    /** C[i, :] (+)= Σ_p A[i, p]·B[p, :], vectorized along the row of B when B's rows are contiguous. */
    private static void small(Gemm g, int ao, int bo, int co) {
        float[] a = g.a().floats(), b = g.b().floats(), c = g.c().floats();
        int m = g.m(), n = g.n(), k = g.k();
        int ars = g.aRowStride(), acs = g.aColStride(), brs = g.bRowStride(), bcs = g.bColStride(), crs = g.cRowStride();
        for (int i = 0; i < m; i++) {
            int ci = co + i * crs;
            if (!g.accumulate()) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[ao + i * ars + p * acs];
                int bp = bo + p * brs;
                int j = 0;
                if (bcs == 1) {
                    for (; j <= n - L; j += L) {
                        FloatVector.fromArray(S, b, bp + j).fma(FloatVector.broadcast(S, av), FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                    }
                }
                for (; j < n; j++) c[ci + j] += av * b[bp + j * bcs];
            }
        }
    }

    private static void blocked(Gemm g, int ao, int bo, int co) {
        int m = g.m(), n = g.n(), k = g.k();
        int threads = Parallel.threads();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = (nc + NR - 1) / NR;
            float[] bPack = new float[panels * KC * NR];
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean acc = g.accumulate() || pc > 0;
                final int jc0 = jc, pc0 = pc;
                Parallel.forRange(panels, 1, (lo, hi) -> packB(g, bo, pc0, kc, jc0, nc, (int) lo, (int) hi, bPack));
                int mBlocks = (m + MC - 1) / MC;
                // Enough work items for every thread: split columns too when M alone has too few blocks.
                int colGroups = Math.max(1, Math.min(panels, (2 * threads + mBlocks - 1) / mBlocks));
                Parallel.forRange((long) mBlocks * colGroups, 1, (lo, hi) -> {
                    float[] aPack = A_PACK.get();
                    for (long item = lo; item < hi; item++) {
                        int ib = (int) (item / colGroups), cg = (int) (item % colGroups);
                        int ic = ib * MC, mc = Math.min(MC, m - ic);
                        int p0 = panels * cg / colGroups, p1 = panels * (cg + 1) / colGroups;
                        packA(g, ao, ic, mc, pc0, kc, aPack);
                        macro(g, co, aPack, bPack, ic, mc, jc0, nc, kc, p0, p1, acc);
                    }
                });
            }
        }
    }

    /** B[pc.., jc..] into panels of NR columns: bPack[(panel*KC + p)*NR + j], zero-padded past N. */
    private static void packB(Gemm g, int bo, int pc, int kc, int jc, int nc, int p0, int p1, float[] bPack) {
        float[] b = g.b().floats();
        int brs = g.bRowStride(), bcs = g.bColStride();
        for (int panel = p0; panel < p1; panel++) {
            int j0 = panel * NR, w = Math.min(NR, nc - j0);
            int dst = panel * KC * NR;
            for (int p = 0; p < kc; p++, dst += NR) {
                int src = bo + (pc + p) * brs + (jc + j0) * bcs;
                if (bcs == 1 && w == NR) {
                    System.arraycopy(b, src, bPack, dst, NR);
                } else {
                    for (int j = 0; j < w; j++) bPack[dst + j] = b[src + j * bcs];
                    for (int j = w; j < NR; j++) bPack[dst + j] = 0f;
                }
            }
        }
    }

    /** A[ic.., pc..] into panels of MR rows: aPack[(panel*KC + p)*MR + r], zero-padded past M. */
    private static void packA(Gemm g, int ao, int ic, int mc, int pc, int kc, float[] aPack) {
        float[] a = g.a().floats();
        int ars = g.aRowStride(), acs = g.aColStride();
        for (int panel = 0; panel * MR < mc; panel++) {
            int i0 = panel * MR, h = Math.min(MR, mc - i0);
            int dst = panel * KC * MR;
            for (int p = 0; p < kc; p++, dst += MR) {
                int src = ao + (ic + i0) * ars + (pc + p) * acs;
                for (int r = 0; r < h; r++) aPack[dst + r] = a[src + r * ars];
                for (int r = h; r < MR; r++) aPack[dst + r] = 0f;
            }
        }
    }

    private static void macro(Gemm g, int co, float[] aPack, float[] bPack, int ic, int mc, int jc, int nc, int kc,
                              int p0, int p1, boolean acc) {
        float[] c = g.c().floats();
        int crs = g.cRowStride();
        float[] tile = null;
        for (int panel = p0; panel < p1; panel++) {
            int j0 = panel * NR, w = Math.min(NR, nc - j0);
            for (int i0 = 0; i0 < mc; i0 += MR) {
                int h = Math.min(MR, mc - i0);
                int cOff = co + (ic + i0) * crs + jc + j0;
                if (h == MR && w == NR) {
                    micro(kc, aPack, (i0 / MR) * KC * MR, bPack, panel * KC * NR, c, cOff, crs, acc);
                } else { // edge tile: compute a full tile into scratch, copy the valid part
                    if (tile == null) tile = new float[MR * NR];
                    micro(kc, aPack, (i0 / MR) * KC * MR, bPack, panel * KC * NR, tile, 0, NR, false);
                    for (int r = 0; r < h; r++) {
                        for (int j = 0; j < w; j++) {
                            int ci = cOff + r * crs + j;
                            c[ci] = acc ? c[ci] + tile[r * NR + j] : tile[r * NR + j];
                        }
                    }
                }
            }
        }
    }

    /** The 6 × 2L register tile: C[0..6, 0..2L) (+)= Apanel · Bpanel over kc. */
    private static void micro(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int crs, boolean acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
        }
        store(c00, c01, c, ci, acc);
        store(c10, c11, c, ci + crs, acc);
        store(c20, c21, c, ci + 2 * crs, acc);
        store(c30, c31, c, ci + 3 * crs, acc);
        store(c40, c41, c, ci + 4 * crs, acc);
        store(c50, c51, c, ci + 5 * crs, acc);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int ci, boolean acc) {
        if (acc) {
            v0 = v0.add(FloatVector.fromArray(S, c, ci));
            v1 = v1.add(FloatVector.fromArray(S, c, ci + L));
        }
        v0.intoArray(c, ci);
        v1.intoArray(c, ci + L);
    }
}
