package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * SGEMM in the style of GotoBLAS/BLIS: C is computed in MR×NR tiles by a register-blocked micro-kernel
 * that reads A and B from packed panels.
 *
 * <pre>
 * split C into one rectangle per thread (by columns when N is wide enough, else by rows)
 * each thread, on its own rectangle, with its own packing buffers:
 *   for jc over its columns in NC:
 *     for pc over K in KC:
 *       pack B block [KC, NC] into NR-column panels       (stays in L2 / L3)
 *       for ic over its rows in MC:
 *         pack A block [MC, KC] into MR-row panels        (stays in L2)
 *         for each NR panel:                              (KC×NR floats: stays in L1)
 *           for each MR panel: micro-kernel → C tile      (MR×NR accumulators in registers)
 *     epilogue (bias, activation) on the finished columns, while they are still in cache
 * </pre>
 *
 * <p>Threads share nothing and never wait for each other inside the product, so even a 256×256 product keeps
 * both cores busy; the price is that every thread packs the operand it does not split (a copy of M·K or
 * K·N floats), small next to the M·N·K/threads multiply-adds it then does.
 *
 * <p>The micro-kernel is sized from the species: NR = 2 vectors of L lanes (16 columns on AVX2, 32 on
 * AVX-512, 8 with 128-bit vectors) and MR = 6 rows, one accumulator per (row, vector): 12 accumulators + 2 B
 * vectors + 1 broadcast A value = 15 registers, which fits AVX2's 16. An 8-row tile (AVX-512 has 32
 * registers) ran 10% faster in isolation but no faster inside the blocked product, within this machine's
 * ±10% noise. Earlier 8-row attempts were sometimes 10× slower inside a training step; the cause was a branch
 * in the kernel (see {@link #micro6}), not the size, and it is gone.
 * Every operand is read through strides during packing, so transposed A or B costs nothing extra; A with
 * contiguous rows is not packed at all (the kernel broadcasts its elements in place). Tiny products skip
 * packing (the copy would cost more than it saves).
 */
final class VecGemm {
    private VecGemm() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();
    /** Rows of the register tile; see the class comment. */
    static final int MR = 6;
    static final int NR = 2 * L;
    /**
     * KC·NR·4 bytes of B panel must sit in L1 (32–48 KB); MC·KC·4 of A block and KC·NC·4 = 1 MB of B block in L2
     * (NC = 2048 filled a 2 MB L2 and measured 3–6% slower). MC = 480 rather than 240: n = 2048 on one thread
     * 104–108 → 113–115 GFLOP/s, the model's shapes and two threads unchanged within noise.
     */
    static final int KC = 256, MC = 80 * MR, NC = 1024;

    /** Matrices smaller than this (in multiply-adds) are one task each in a batch, not split over threads. */
    private static final long SMALL_MATRIX = 256L * 256 * 64;

    /** Products smaller than this (in multiply-adds) take the unpacked path. */
    private static final long SMALL = 32 * 32 * 32;

    /** Per-thread packing buffers, reused across calls. */
    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        /** All zeros: the initial C of a tile that overwrites. */
        final float[] zeros = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    static void gemm(Gemm g) {
        long perMatrix = (long) g.m() * g.n() * g.k();
        if (g.batch() > 1 && (perMatrix < SMALL_MATRIX || g.batch() >= 4 * Parallel.threads())) {
            // many small products: one matrix per task, each computed serially
            Parallel.forRange(g.batch(), 1, (lo, hi) -> {
                for (int b = (int) lo; b < hi; b++) one(g, b);
            });
        } else {
            for (int b = 0; b < g.batch(); b++) one(g, b);
        }
    }

    /**
     * Independent products as one job: when their matrices are small (attention heads, B products of H), every
     * matrix of every product is a task of one parallel region, instead of B regions of H tasks each (which left
     * a core idle at each region's end: 85–110 GFLOP/s on W2's heads).
     */
    static void gemmAll(Gemm[] gs) {
        boolean small = gs.length > 1;
        int[] first = new int[gs.length + 1]; // first[i]: index of product i's first matrix among all of them
        for (int i = 0; i < gs.length; i++) {
            small &= (long) gs[i].m() * gs[i].n() * gs[i].k() < SMALL_MATRIX;
            first[i + 1] = first[i] + gs[i].batch();
        }
        if (!small) {
            for (Gemm g : gs) gemm(g);
            return;
        }
        Parallel.forRange(first[gs.length], 1, (lo, hi) -> {
            int i = 0;
            for (int t = (int) lo; t < hi; t++) {
                while (t >= first[i + 1]) i++;
                one(gs[i], t - first[i]);
            }
        });
    }

    private static void one(Gemm g, int batch) {
        int ao = g.aOffset() + batch * g.aBatchStride();
        int bo = g.bOffset() + batch * g.bBatchStride();
        int co = g.cOffset() + batch * g.cBatchStride();
        if (g.k() == 0) {
            if (!g.accumulate()) {
                for (int i = 0; i < g.m(); i++) Arrays.fill(g.c().floats(), co + i * g.cRowStride(), co + i * g.cRowStride() + g.n(), 0f);
            }
            epilogue(g, co, 0, g.m(), 0, g.n());
        } else if ((long) g.m() * g.n() * g.k() <= SMALL) {
            small(g, ao, bo, co);
            epilogue(g, co, 0, g.m(), 0, g.n());
        } else {
            blocked(g, ao, bo, co);
        }
    }

    /**
     * Unpacked product for tiny matrices (attention heads of short sequences): packing would cost more than
     * it saves. Two SIMD forms, chosen by which operand is contiguous along the shared dim:
     * <ul>
     *   <li>B's rows contiguous (bcs = 1): C[i, :] += A[i, p]·B[p, :], lanes along N;</li>
     *   <li>A's rows and B's columns contiguous along K (A·Xᵀ, e.g. q·kᵀ): C[i, j] = A[i, :]·B[:, j], lanes
     *       along K;</li>
     * </ul>
     * anything else, and the tails, run scalar.
     */
    private static void small(Gemm g, int ao, int bo, int co) {
        float[] a = g.a().floats(), b = g.b().floats(), c = g.c().floats();
        int m = g.m(), n = g.n(), k = g.k();
        int ars = g.aRowStride(), acs = g.aColStride(), brs = g.bRowStride(), bcs = g.bColStride(), crs = g.cRowStride();
        boolean dotForm = !(bcs == 1 && n >= L) && acs == 1 && brs == 1 && k >= L;
        float[] lanes = new float[L];
        for (int i = 0; i < m; i++) {
            int ci = co + i * crs, ai = ao + i * ars;
            if (dotForm) {
                for (int j = 0; j < n; j++) {
                    int bj = bo + j * bcs;
                    FloatVector acc = FloatVector.zero(S);
                    int p = 0;
                    for (; p <= k - L; p += L) acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), acc);
                    acc.intoArray(lanes, 0);
                    float dot = VecMath.sumLanes(lanes);
                    for (; p < k; p++) dot += a[ai + p] * b[bj + p];
                    c[ci + j] = g.accumulate() ? c[ci + j] + dot : dot;
                }
                continue;
            }
            if (!g.accumulate()) Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[ai + p * acs];
                int bp = bo + p * brs;
                int j = 0;
                if (bcs == 1) {
                    FloatVector va = FloatVector.broadcast(S, av);
                    for (; j <= n - L; j += L) {
                        FloatVector.fromArray(S, b, bp + j).fma(va, FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                    }
                }
                for (; j < n; j++) c[ci + j] += av * b[bp + j * bcs];
            }
        }
    }

    /**
     * Splits C into one rectangle per thread: whole NR panels of columns, or MR-row strips, whichever makes the
     * threads pack less. Every thread packs the whole operand the split does not cut (A when splitting columns,
     * B when splitting rows), so for a tall product such as the weight gradient of a Linear layer (Aᵀ·X with M
     * = 1024 outputs, N = 256 inputs, K = 2048 tokens) a column split had both threads pack all of A, 40% on
     * top of the multiply-adds.
     */
    private static void blocked(Gemm g, int ao, int bo, int co) {
        int m = g.m(), n = g.n();
        long k = g.k();
        int colPanels = (n + NR - 1) / NR, rowPanels = (m + MR - 1) / MR;
        int t = Parallel.threads();
        long packByColumns = (packsA(g, n / Math.max(1, Math.min(t, colPanels))) ? m * k : 0) + k * n / t;
        long packByRows = (packsA(g, n) ? m * k / t : 0) + k * n;
        boolean byColumns = rowPanels < t || (colPanels >= t && packByColumns <= packByRows);
        int parts = Math.max(1, Math.min(t, byColumns ? colPanels : rowPanels));
        Parallel.forRange(parts, 1, (lo, hi) -> {
            for (int part = (int) lo; part < hi; part++) {
                if (byColumns) {
                    int j0 = NR * (int) ((long) colPanels * part / parts), j1 = Math.min(n, NR * (int) ((long) colPanels * (part + 1) / parts));
                    rectangle(g, ao, bo, co, 0, m, j0, j1);
                } else {
                    int i0 = MR * (int) ((long) rowPanels * part / parts), i1 = Math.min(m, MR * (int) ((long) rowPanels * (part + 1) / parts));
                    rectangle(g, ao, bo, co, i0, i1, 0, n);
                }
            }
        });
    }

    /** Whether a thread with this many columns of C packs A (see {@link #rectangle}). */
    private static boolean packsA(Gemm g, int columns) {
        return !(g.aColStride() == 1 && columns <= 8 * NR);
    }

    /** C[i0..i1, j0..j1) computed by one thread with its own buffers. */
    private static void rectangle(Gemm g, int ao, int bo, int co, int i0, int i1, int j0, int j1) {
        Buffers buf = BUFFERS.get();
        int k = g.k();
        // A with contiguous rows is read in place when this thread has few column panels: the kernel broadcasts
        // one scalar per row per step, so a packed copy only buys locality, and with few panels to reuse it the
        // copy cost a quarter of the product (N = 256). With many panels the packed block's locality wins.
        boolean direct = !packsA(g, j1 - j0);
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean acc = g.accumulate() || pc > 0;
                packB(g, bo, pc, kc, jc, nc, buf.b);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (!direct) packA(g, ao, ic, mc, pc, kc, buf.a);
                    macro(g, ao, co, buf, direct, ic, mc, pc, jc, nc, kc, acc);
                }
            }
            epilogue(g, co, i0, i1, jc, jc + nc);
        }
    }

    /** B[pc.., jc..] into panels of NR columns: bPack[(panel*kc + p)*NR + j], zero-padded past nc. */
    private static void packB(Gemm g, int bo, int pc, int kc, int jc, int nc, float[] bPack) {
        float[] b = g.b().floats();
        int brs = g.bRowStride(), bcs = g.bColStride();
        for (int panel = 0; panel * NR < nc; panel++) {
            int j0 = panel * NR, w = Math.min(NR, nc - j0);
            int dst = panel * kc * NR;
            if (brs == 1 && bcs != 1) {
                // B = Wᵀ with W row-major (x·Wᵀ, the Linear layer): walk each row of W contiguously and scatter it
                // down one column of the panel (the panel, kc·NR floats, stays in L1), instead of gathering
                // every panel row from NR different cache lines.
                if (w < NR) java.util.Arrays.fill(bPack, dst, dst + kc * NR, 0f);
                for (int j = 0; j < w; j++) {
                    int src = bo + pc + (jc + j0 + j) * bcs;
                    for (int p = 0; p < kc; p++) bPack[dst + p * NR + j] = b[src + p];
                }
                continue;
            }
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

    /**
     * A[ic.., pc..] into panels of MR rows, each row's kc elements contiguous: aPack[(panel*MR + r)*kc + p], zero
     * rows past mc. Rows rather than BLIS's interleaved columns so that the kernel reads a packed panel exactly as
     * it reads A in place, at a[row + p] (5–8% faster than a stride held in a variable). With row = panel·MR + r
     * the block is simply A[ic.., pc..] as a row-major [mc, kc] matrix, so row-major A packs by row copies and
     * column-major A (Aᵀ of a row-major matrix: the weight gradient's gᵀ) by a tiled transpose. An element loop
     * over six rows at a time had cost a fifth of a 512³ product.
     */
    private static void packA(Gemm g, int ao, int ic, int mc, int pc, int kc, float[] aPack) {
        float[] a = g.a().floats();
        int ars = g.aRowStride(), acs = g.aColStride();
        if (acs == 1) {
            for (int i = 0; i < mc; i++) System.arraycopy(a, ao + (ic + i) * ars + pc, aPack, i * kc, kc);
        } else if (ars == 1) {
            // 16×16 tiles: the 16 source lines and the 16 destination lines of a tile stay in L1 while it is copied
            for (int p0 = 0; p0 < kc; p0 += 16) {
                for (int i0 = 0; i0 < mc; i0 += 16) {
                    int p1 = Math.min(kc, p0 + 16), i1 = Math.min(mc, i0 + 16);
                    for (int p = p0; p < p1; p++) {
                        int src = ao + ic + (pc + p) * acs;
                        for (int i = i0; i < i1; i++) aPack[i * kc + p] = a[src + i];
                    }
                }
            }
        } else {
            for (int i = 0; i < mc; i++) {
                int src = ao + (ic + i) * ars + pc * acs;
                for (int p = 0; p < kc; p++) aPack[i * kc + p] = a[src + p * acs];
            }
        }
        Arrays.fill(aPack, mc * kc, (mc + MR - 1) / MR * MR * kc, 0f);
    }

    /**
     * All MR×NR tiles of C[ic.., jc..]; the B panel is the one reused from L1. A comes from the packed block, or
     * in place from its rows ({@code direct}), except a last panel of fewer than MR rows, packed here with zero
     * padding.
     */
    private static void macro(Gemm g, int ao, int co, Buffers buf, boolean direct, int ic, int mc, int pc, int jc, int nc, int kc, boolean acc) {
        float[] c = g.c().floats(), bPack = buf.b, tile = buf.tile;
        int crs = g.cRowStride(), ars = g.aRowStride();
        for (int panel = 0; panel * NR < nc; panel++) {
            int j0 = panel * NR, w = Math.min(NR, nc - j0);
            int bi = panel * kc * NR;
            for (int i0 = 0; i0 < mc; i0 += MR) {
                int h = Math.min(MR, mc - i0);
                float[] a = buf.a;
                int ai = (i0 / MR) * MR * kc, rs = kc;
                if (direct && h == MR) {
                    a = g.a().floats();
                    ai = ao + (ic + i0) * ars + pc;
                    rs = ars;
                } else if (direct) {
                    ai = 0;
                    if (panel == 0) packA(g, ao, ic + i0, h, pc, kc, a);
                }
                int cOff = co + (ic + i0) * crs + jc + j0;
                if (h == MR && w == NR) {
                    // the tile starts from C itself when accumulating, from zeros when overwriting: chosen here,
                    // outside the kernel, so the kernel has no branch (see micro6)
                    micro6(kc, a, ai, rs, bPack, bi, acc ? c : buf.zeros, acc ? cOff : 0, acc ? crs : NR, c, cOff, crs);
                } else { // edge tile: a full tile into scratch, then its valid part into C
                    micro6(kc, a, ai, rs, bPack, bi, buf.zeros, 0, NR, tile, 0, NR);
                    for (int r = 0; r < h; r++) {
                        for (int j = 0; j < w; j++) {
                            int k = cOff + r * crs + j;
                            c[k] = acc ? c[k] + tile[r * NR + j] : tile[r * NR + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * The 6 × 2L register tile: C[0..6, 0..2L) = C0 + A · Bpanel over kc, with A[r, p] at a[ai + r·ars + p] (a
     * packed panel, ars = kc, or A's own rows read in place, ars = A's row stride), C0[r, :] at init[ii + r·irs]
     * and C[r, :] at c[ci + r·crs]. C0 is C itself when accumulating and a tile of zeros when overwriting.
     *
     * <p>Why the caller picks C0 rather than the kernel branching on "accumulate": a branch that a run had never
     * taken was compiled as a trap, and when a later product took it C2 recompiled the kernel on-stack with its
     * accumulators' types lost, so every vector was boxed (10× slower for the rest of the run). Keeping the
     * start and the end of the tile to plain loads and stores also keeps this method well inside C2's node
     * budget: an earlier form that loaded and blended C at the end sometimes ran past it and boxed its last rows.
     */
    private static void micro6(int kc, float[] a, int ai, int ars, float[] b, int bi,
                               float[] init, int ii, int irs, float[] c, int ci, int crs) {
        FloatVector c00 = FloatVector.fromArray(S, init, ii), c01 = FloatVector.fromArray(S, init, ii + L);
        FloatVector c10 = FloatVector.fromArray(S, init, ii + irs), c11 = FloatVector.fromArray(S, init, ii + irs + L);
        FloatVector c20 = FloatVector.fromArray(S, init, ii + 2 * irs), c21 = FloatVector.fromArray(S, init, ii + 2 * irs + L);
        FloatVector c30 = FloatVector.fromArray(S, init, ii + 3 * irs), c31 = FloatVector.fromArray(S, init, ii + 3 * irs + L);
        FloatVector c40 = FloatVector.fromArray(S, init, ii + 4 * irs), c41 = FloatVector.fromArray(S, init, ii + 4 * irs + L);
        FloatVector c50 = FloatVector.fromArray(S, init, ii + 5 * irs), c51 = FloatVector.fromArray(S, init, ii + 5 * irs + L);
        int a0 = ai, a1 = ai + ars, a2 = ai + 2 * ars, a3 = ai + 3 * ars, a4 = ai + 4 * ars, a5 = ai + 5 * ars;
        for (int p = 0; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + crs); c11.intoArray(c, ci + crs + L);
        c20.intoArray(c, ci + 2 * crs); c21.intoArray(c, ci + 2 * crs + L);
        c30.intoArray(c, ci + 3 * crs); c31.intoArray(c, ci + 3 * crs + L);
        c40.intoArray(c, ci + 4 * crs); c41.intoArray(c, ci + 4 * crs + L);
        c50.intoArray(c, ci + 5 * crs); c51.intoArray(c, ci + 5 * crs + L);
    }

    /** C[i0..i1, j0..j1) = act(C + bias): the fused epilogue, a no-op without bias and activation. */
    private static void epilogue(Gemm g, int co, int i0, int i1, int j0, int j1) {
        if (!g.hasEpilogue()) return;
        float[] c = g.c().floats(), bias = g.bias() == null ? null : g.bias().floats();
        UnaryOp act = g.activation();
        VecElementwise.Run simdAct = act == null ? null : VecElementwise.kernel(act, 0f, 0f);
        int crs = g.cRowStride(), w = j1 - j0;
        for (int i = i0; i < i1; i++) {
            int row = co + i * crs + j0;
            if (bias != null) {
                int j = 0;
                for (; j <= w - L; j += L) {
                    FloatVector.fromArray(S, c, row + j).add(FloatVector.fromArray(S, bias, j0 + j)).intoArray(c, row + j);
                }
                for (; j < w; j++) c[row + j] += bias[j0 + j];
            }
            if (act != null) {
                int j = simdAct == null ? 0 : simdAct.run(c, row, c, row, w); // in place: each lane reads before it writes
                for (; j < w; j++) c[row + j] = ScalarMath.unary(act, c[row + j], 0f, 0f);
            }
        }
    }
}
