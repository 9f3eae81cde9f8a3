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
 *       pack B block [KC, NC] into NR-column panels       (stays in L2)
 *       for ic over its rows in MC:
 *         pack A block [MC, KC] into MR-row panels        (stays in L2)
 *         for each group of G MR panels:                  (G×MR×KC floats: stay in L1)
 *           for each NR panel:                            (KC×NR floats: in L1 for the group where it fits)
 *             for each MR panel of the group: micro-kernel → C tile   (MR×NR accumulators in registers)
 *     epilogue (bias, activation) on the finished columns, while they are still in cache
 * </pre>
 *
 * <p>Threads share nothing and never wait for each other inside the product, so even a 256×256 product keeps
 * both cores busy; the price is that every thread packs the operand it does not split (a copy of M·K or
 * K·N floats), small next to the M·N·K/threads multiply-adds it then does.
 *
 * <p>The micro-kernel is sized from the species: MR = 6 rows and NR = NV vectors of L lanes, one accumulator
 * per (row, vector). Below 512-bit vectors NV = 2: 12 accumulators + 2 B vectors + 1 broadcast A value = 15
 * registers, which fits AVX2's 16. With 512-bit vectors (AVX-512, which has 32 registers) NV = 4: 24 + 4 + 1 =
 * 29, and each A element loaded feeds four multiply-adds instead of two. The packed A panel has its rows at
 * constant offsets (KC apart), so the loop's only index arithmetic is one counter. Measured on one core with
 * the operands in cache (FMAs alone reach 177 GFLOP/s there): the 6 × 2L kernel reading six row indices held
 * in variables, ~40 instructions per 12 multiply-adds and bound by the core's issue width, ~125 GFLOP/s; the
 * same tile with constant offsets ~140; the 6 × 4L tile, ~40 instructions per 24 multiply-adds, ~155.
 * Earlier 8-row attempts were sometimes 10× slower inside a training step; the cause was a branch in the
 * kernel (see {@link #micro6x2}), not the size, and it is gone.
 * Every operand is read through strides during packing, so transposed A or B costs nothing extra. Tiny
 * products skip packing (the copy would cost more than it saves).
 */
final class VecGemm {
    private VecGemm() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();
    /** Rows of the register tile; see the class comment. */
    static final int MR = 6;
    /** Vectors per row of the register tile: 4 with 512-bit vectors (AVX-512 has 32 registers), else 2. */
    static final int NV = L >= 16 ? 4 : 2;
    static final int NR = NV * L;
    /**
     * Whether a B panel of depth 128 (KC·NR·4 = 32 KB with the 6 × 4L tile) and a group of four A panels
     * (4·MR·KC·4 = 12 KB) fit in L1 together. Where they do (a 48 KB L1d, the Xeon of benchmarks/RESULTS.md), the
     * group runs its tiles under a B panel held in L1: KC = 128 and G = 4, 3–6% faster than KC = 256 at n =
     * 512–2048 there, though C is read and written twice as often. Where they do not (32 KB, the EPYC of the
     * same file), the B panel streams from L2 whatever KC is, and the deeper block halves the passes over C:
     * KC = 256 with one A panel per sweep, in interleaved runs there n = 2048 87–92 → 102–104 GFLOP/s on one
     * thread and 171–183 → 198–211 on two, n = 512 and 1024 +2–5%. The A block (MC·KC·4) and the B block
     * (KC·NC·4) are meant for L2.
     */
    static final boolean PANELS_FIT_L1 = (128 * NR + 4 * MR * 128) * Float.BYTES <= Caches.L1D_BYTES;
    static final int KC = PANELS_FIT_L1 ? 128 : 256, MC = 80 * MR, NC = 1024;
    /** A panels per group in {@link #macro}. */
    static final int G = PANELS_FIT_L1 ? 4 : 1;
    /** Where the packed B panels start in their buffer. */
    private static final int B0 = Aligned.FIRST;

    /** Matrices smaller than this (in multiply-adds) are one task each in a batch, not split over threads. */
    private static final long SMALL_MATRIX = 256L * 256 * 64;

    /** Products smaller than this (in multiply-adds) take the unpacked path. */
    private static final long SMALL = 32 * 32 * 32;

    /**
     * Per-thread packing buffers, reused across calls. The B panels start at {@link #B0}, on a vector boundary
     * ({@link Aligned}): the kernel loads NV whole vectors of B per step, and none of them then spans two cache
     * lines (2–7% at n = 512–2048).
     */
    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = Aligned.floats(KC * NC);
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
     * top of the multiply-adds. A stored column-major (that Aᵀ) counts twice: it packs by a tiled transpose, not
     * by row copies, and with it counted once the square weight gradient (256×256×2048) split by columns and
     * both threads transposed all of A: 148–171 GFLOP/s, split by rows 206–214.
     */
    private static void blocked(Gemm g, int ao, int bo, int co) {
        int m = g.m(), n = g.n();
        long k = g.k();
        int colPanels = (n + NR - 1) / NR, rowPanels = (m + MR - 1) / MR;
        int t = Parallel.threads();
        long aCost = g.aColStride() == 1 ? 1 : 2;
        long packByColumns = aCost * m * k + k * n / t, packByRows = aCost * m * k / t + k * n;
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

    /** C[i0..i1, j0..j1) computed by one thread with its own buffers. */
    private static void rectangle(Gemm g, int ao, int bo, int co, int i0, int i1, int j0, int j1) {
        Buffers buf = BUFFERS.get();
        int k = g.k();
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean acc = g.accumulate() || pc > 0;
                packB(g, bo, pc, kc, jc, nc, buf.b);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(g, ao, ic, mc, pc, kc, buf.a);
                    macro(g, co, buf, ic, mc, jc, nc, kc, acc);
                }
            }
            epilogue(g, co, i0, i1, jc, jc + nc);
        }
    }

    /** B[pc.., jc..] into panels of NR columns: bPack[B0 + (panel*kc + p)*NR + j], zero-padded past nc. */
    private static void packB(Gemm g, int bo, int pc, int kc, int jc, int nc, float[] bPack) {
        float[] b = g.b().floats();
        int brs = g.bRowStride(), bcs = g.bColStride();
        for (int panel = 0; panel * NR < nc; panel++) {
            int j0 = panel * NR, w = Math.min(NR, nc - j0);
            int dst = B0 + panel * kc * NR;
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
     * A[ic.., pc..] as a row-major [mc, KC] block: aPack[i*KC + p], zero rows up to a multiple of MR. Rows are KC
     * apart even when kc &lt; KC, so that the kernel finds row r of a panel at the constant offset r·KC: C2 folds
     * it into each load's address, where six row indices held in variables cost an add each (and spilled).
     * Row-major A packs by row copies, column-major A (Aᵀ of a row-major matrix: the weight gradient's gᵀ) by a
     * tiled transpose. An element loop over six rows at a time had cost a fifth of a 512³ product.
     */
    private static void packA(Gemm g, int ao, int ic, int mc, int pc, int kc, float[] aPack) {
        float[] a = g.a().floats();
        int ars = g.aRowStride(), acs = g.aColStride();
        if (acs == 1) {
            for (int i = 0; i < mc; i++) System.arraycopy(a, ao + (ic + i) * ars + pc, aPack, i * KC, kc);
        } else if (ars == 1) {
            // 16×16 tiles: the 16 source lines and the 16 destination lines of a tile stay in L1 while it is copied
            for (int p0 = 0; p0 < kc; p0 += 16) {
                for (int i0 = 0; i0 < mc; i0 += 16) {
                    int p1 = Math.min(kc, p0 + 16), i1 = Math.min(mc, i0 + 16);
                    for (int p = p0; p < p1; p++) {
                        int src = ao + ic + (pc + p) * acs;
                        for (int i = i0; i < i1; i++) aPack[i * KC + p] = a[src + i];
                    }
                }
            }
        } else {
            for (int i = 0; i < mc; i++) {
                int src = ao + (ic + i) * ars + pc * acs;
                for (int p = 0; p < kc; p++) aPack[i * KC + p] = a[src + p * acs];
            }
        }
        for (int i = mc; i < (mc + MR - 1) / MR * MR; i++) Arrays.fill(aPack, i * KC, i * KC + kc, 0f);
    }

    /**
     * All MR×NR tiles of C[ic.., jc..], G A panels at a time: the group's panels (G·MR·KC floats) and one B
     * panel (KC·NR) sit in L1 while the kernel runs the G tiles below each other, then the next B panel streams
     * in from L2. Walking all of the block's A panels under one B panel instead (the BLIS order) stepped C down
     * a column of tiles, MR rows n floats apart at each step, which the hardware prefetcher does not follow: each
     * tile waited for its C from L3 before its first multiply-add. In groups, C is read along MR·G rows as
     * sequential streams. One A panel per B panel sweep (G = 1) left the B panels streaming from L2 at every
     * tile instead: 3–6% slower at n = 512–2048 where the group and a B panel fit L1 (see {@link #PANELS_FIT_L1}).
     */
    private static void macro(Gemm g, int co, Buffers buf, int ic, int mc, int jc, int nc, int kc, boolean acc) {
        float[] c = g.c().floats(), a = buf.a, bPack = buf.b, tile = buf.tile;
        int crs = g.cRowStride();
        for (int g0 = 0; g0 < mc; g0 += G * MR) {
            int g1 = Math.min(mc, g0 + G * MR);
            for (int panel = 0; panel * NR < nc; panel++) {
                int j0 = panel * NR, w = Math.min(NR, nc - j0), bi = B0 + panel * kc * NR;
                for (int i0 = g0; i0 < g1; i0 += MR) {
                    int h = Math.min(MR, mc - i0), ai = i0 * KC;
                    int cOff = co + (ic + i0) * crs + jc + j0;
                    if (h == MR && w == NR) {
                        // the tile starts from C itself when accumulating, from zeros when overwriting: chosen
                        // here, outside the kernel, so the kernel has no branch (see micro6x2)
                        micro(kc, a, ai, bPack, bi, acc ? c : buf.zeros, acc ? cOff : 0, acc ? crs : NR, c, cOff, crs);
                    } else { // edge tile: a full tile into scratch, then its valid part into C
                        micro(kc, a, ai, bPack, bi, buf.zeros, 0, NR, tile, 0, NR);
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
    }

    /** The register tile for this species: 6 × 4L with 512-bit vectors, else 6 × 2L (see {@link #NV}). */
    private static void micro(int kc, float[] a, int ai, float[] b, int bi, float[] init, int ii, int irs, float[] c, int ci, int crs) {
        if (NV == 4) micro6x4(kc, a, ai, b, bi, init, ii, irs, c, ci, crs);
        else micro6x2(kc, a, ai, b, bi, init, ii, irs, c, ci, crs);
    }

    /**
     * The 6 × 2L register tile: C[0..6, 0..2L) = C0 + A · Bpanel over kc, with A[r, p] at a[ai + r·KC + p] (a
     * packed panel), C0[r, :] at init[ii + r·irs] and C[r, :] at c[ci + r·crs]. C0 is C itself when
     * accumulating and a tile of zeros when overwriting. 12 accumulators + 2 B vectors + 1 broadcast A value =
     * 15 registers, which fits AVX2's 16.
     *
     * <p>Why the caller picks C0 rather than the kernel branching on "accumulate": a branch that a run had never
     * taken was compiled as a trap, and when a later product took it C2 recompiled the kernel on-stack with its
     * accumulators' types lost, so every vector was boxed (10× slower for the rest of the run). Keeping the
     * start and the end of the tile to plain loads and stores also keeps this method well inside C2's node
     * budget: an earlier form that loaded and blended C at the end sometimes ran past it and boxed its last rows.
     */
    private static void micro6x2(int kc, float[] a, int ai, float[] b, int bi, float[] init, int ii, int irs, float[] c, int ci, int crs) {
        FloatVector c00 = FloatVector.fromArray(S, init, ii), c01 = FloatVector.fromArray(S, init, ii + L);
        FloatVector c10 = FloatVector.fromArray(S, init, ii + irs), c11 = FloatVector.fromArray(S, init, ii + irs + L);
        FloatVector c20 = FloatVector.fromArray(S, init, ii + 2 * irs), c21 = FloatVector.fromArray(S, init, ii + 2 * irs + L);
        FloatVector c30 = FloatVector.fromArray(S, init, ii + 3 * irs), c31 = FloatVector.fromArray(S, init, ii + 3 * irs + L);
        FloatVector c40 = FloatVector.fromArray(S, init, ii + 4 * irs), c41 = FloatVector.fromArray(S, init, ii + 4 * irs + L);
        FloatVector c50 = FloatVector.fromArray(S, init, ii + 5 * irs), c51 = FloatVector.fromArray(S, init, ii + 5 * irs + L);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR, ap = ai + p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[ap + KC]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * KC]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * KC]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[ap + 4 * KC]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[ap + 5 * KC]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + crs); c11.intoArray(c, ci + crs + L);
        c20.intoArray(c, ci + 2 * crs); c21.intoArray(c, ci + 2 * crs + L);
        c30.intoArray(c, ci + 3 * crs); c31.intoArray(c, ci + 3 * crs + L);
        c40.intoArray(c, ci + 4 * crs); c41.intoArray(c, ci + 4 * crs + L);
        c50.intoArray(c, ci + 5 * crs); c51.intoArray(c, ci + 5 * crs + L);
    }

    /**
     * The 6 × 4L tile for 512-bit vectors (AVX-512, 32 registers): as {@link #micro6x2}, with 24 accumulators +
     * 4 B vectors + 1 broadcast = 29 registers. Each A element loaded feeds four multiply-adds instead of two,
     * so the loop's loads, index arithmetic and branch take fewer of the 6 instructions per cycle the core can
     * issue, and the two FMA units stay busier: ~155 GFLOP/s on one core in cache, against ~140 for the 6 × 2L
     * tile (FMAs alone: 177).
     */
    private static void micro6x4(int kc, float[] a, int ai, float[] b, int bi, float[] init, int ii, int irs, float[] c, int ci, int crs) {
        int i1 = ii + irs, i2 = ii + 2 * irs, i3 = ii + 3 * irs, i4 = ii + 4 * irs, i5 = ii + 5 * irs;
        FloatVector c00 = FloatVector.fromArray(S, init, ii), c01 = FloatVector.fromArray(S, init, ii + L);
        FloatVector c02 = FloatVector.fromArray(S, init, ii + 2 * L), c03 = FloatVector.fromArray(S, init, ii + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, init, i1), c11 = FloatVector.fromArray(S, init, i1 + L);
        FloatVector c12 = FloatVector.fromArray(S, init, i1 + 2 * L), c13 = FloatVector.fromArray(S, init, i1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, init, i2), c21 = FloatVector.fromArray(S, init, i2 + L);
        FloatVector c22 = FloatVector.fromArray(S, init, i2 + 2 * L), c23 = FloatVector.fromArray(S, init, i2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, init, i3), c31 = FloatVector.fromArray(S, init, i3 + L);
        FloatVector c32 = FloatVector.fromArray(S, init, i3 + 2 * L), c33 = FloatVector.fromArray(S, init, i3 + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, init, i4), c41 = FloatVector.fromArray(S, init, i4 + L);
        FloatVector c42 = FloatVector.fromArray(S, init, i4 + 2 * L), c43 = FloatVector.fromArray(S, init, i4 + 3 * L);
        FloatVector c50 = FloatVector.fromArray(S, init, i5), c51 = FloatVector.fromArray(S, init, i5 + L);
        FloatVector c52 = FloatVector.fromArray(S, init, i5 + 2 * L), c53 = FloatVector.fromArray(S, init, i5 + 3 * L);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR, ap = ai + p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L), b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01); c02 = b2.fma(av, c02); c03 = b3.fma(av, c03);
            av = FloatVector.broadcast(S, a[ap + KC]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11); c12 = b2.fma(av, c12); c13 = b3.fma(av, c13);
            av = FloatVector.broadcast(S, a[ap + 2 * KC]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21); c22 = b2.fma(av, c22); c23 = b3.fma(av, c23);
            av = FloatVector.broadcast(S, a[ap + 3 * KC]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31); c32 = b2.fma(av, c32); c33 = b3.fma(av, c33);
            av = FloatVector.broadcast(S, a[ap + 4 * KC]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41); c42 = b2.fma(av, c42); c43 = b3.fma(av, c43);
            av = FloatVector.broadcast(S, a[ap + 5 * KC]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51); c52 = b2.fma(av, c52); c53 = b3.fma(av, c53);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L); c03.intoArray(c, ci + 3 * L);
        int o1 = ci + crs, o2 = ci + 2 * crs, o3 = ci + 3 * crs, o4 = ci + 4 * crs, o5 = ci + 5 * crs;
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L);
        c40.intoArray(c, o4); c41.intoArray(c, o4 + L); c42.intoArray(c, o4 + 2 * L); c43.intoArray(c, o4 + 3 * L);
        c50.intoArray(c, o5); c51.intoArray(c, o5 + L); c52.intoArray(c, o5 + 2 * L); c53.intoArray(c, o5 + 3 * L);
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
