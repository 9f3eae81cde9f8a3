package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.ReduceOp;
import dev.jgrad.engine.backend.UnaryOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kernel of the Vector API backend against the scalar reference, on sizes that exercise the vector
 * tails (1, 7, 8, 9, 31, 33, 1000: below, at and just past one or two vectors of 8 or 16 lanes).
 *
 * <p>Tolerances. The reference accumulates in double, the vector kernels in float, and transcendental lanes
 * (EXP, TANH, LOG, our erfc fit) are accurate to a few ulp, so pointwise results get |Δ| ≤ 1e-5·|ref| + 1e-6
 * (≈ 100 ulp, far below any bug, which shows up as O(1) errors). Sums of K terms get the textbook float
 * bound γ_K = K·u (u = 2⁻²⁴) times the sum of the terms' magnitudes, which is what reassociating a sum in
 * float can cost. Kernels the vector backend inherits (argReduce, cross-entropy, gather/scatter) must match
 * exactly. Runs with 2 threads so the parallel split is exercised too.
 */
class VectorVsScalarTest {
    private static final int[] SIZES = {1, 7, 8, 9, 31, 33, 1000};
    private static final double U = Math.ulp(1f) / 2;
    private final ScalarBackend ref = new ScalarBackend();
    private final VectorBackend vec = new VectorBackend();
    private static int savedThreads;

    @BeforeAll
    static void twoThreads() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(2);
    }

    @AfterAll
    static void restore() {
        Parallel.setThreads(savedThreads);
    }

    private static float[] random(int n, long seed, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    private static Storage st(float[] v) {
        return Storage.wrap(v.clone());
    }

    private static void close(String what, float[] expected, float[] actual, double rel, double abs) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (e == a) continue; // also covers matching infinities
            if (!(Math.abs(e - a) <= rel * Math.abs(e) + abs)) fail(what + " at " + i + ": expected " + e + " but got " + a);
        }
    }

    @Test
    void unaryEveryOpContiguousAndStrided() {
        for (UnaryOp op : UnaryOp.values()) {
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.POW;
            float a = op == UnaryOp.POW ? 1.5f : op == UnaryOp.CLAMP || op == UnaryOp.CLAMP_GRAD ? -0.5f : 0.7f;
            float b = op == UnaryOp.CLAMP || op == UnaryOp.CLAMP_GRAD ? 0.5f : -0.2f;
            for (int n : SIZES) {
                float[] x = random(n, n, positive ? 0.01f : -6f, positive ? 5f : 6f);
                Layout l = Layout.contiguous(new int[] {n});
                Storage e = Storage.allocate(DType.FLOAT32, n), v = Storage.allocate(DType.FLOAT32, n);
                ref.unary(op, a, b, st(x), l, e);
                vec.unary(op, a, b, st(x), l, v);
                close(op + " n=" + n, e.floats(), v.floats(), 1e-5, 1e-6);
                // a transposed [n, 3] view: inner stride 3, the non-SIMD path
                float[] x3 = random(3 * n, n + 1, positive ? 0.01f : -6f, positive ? 5f : 6f);
                Layout t = new Layout(new int[] {3, n}, new int[] {1, 3}, 0);
                Storage e3 = Storage.allocate(DType.FLOAT32, 3 * n), v3 = Storage.allocate(DType.FLOAT32, 3 * n);
                ref.unary(op, a, b, st(x3), t, e3);
                vec.unary(op, a, b, st(x3), t, v3);
                close(op + " strided n=" + n, e3.floats(), v3.floats(), 1e-5, 1e-6);
            }
        }
    }

    @Test
    void expAtItsEdgesAndMaxRowWithNaN() {
        // the array exp clamps by compare and blend: NaN must pass through, ±∞ and far arguments saturate
        float[] x = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -100f, 100f, VecMath.LO, VecMath.HI, -86.9f,
                -87.4f, 88.8f, 0f, -0f, 1e-30f, -1f, 1f, 10.5f, -10.5f, Float.NaN, 30f, -100f, 100f, -30f, 3f, -3f, 0.5f};
        int n = x.length;                          // 24: vectors of every species tried (4, 8, 16 lanes) and a tail
        float[] y = new float[n];
        VecMath.exp(x, 0, 1f, 0f, y, 0, n);
        for (int i = 0; i < n; i++) {
            float e = x[i] < VecMath.LO ? 0f : (float) Math.exp(x[i]); // documented: results below e^LO flush to 0
            if (Float.isNaN(e) || Float.isInfinite(e) || e == 0f) assertEquals(e, y[i], "exp(" + x[i] + ")");
            else assertEquals(e, y[i], 2 * Math.ulp(e), "exp(" + x[i] + ")");
        }
        for (int len : new int[] {5, 64, 100, 1027}) {   // a NaN in each of the four accumulators in turn
            for (int at = 0; at < Math.min(len, 80); at += 13) {
                float[] row = random(len, len + at, -5f, 5f);
                row[at] = Float.NaN;
                assertTrue(Float.isNaN(VecReduce.maxRow(row, 0, len)), "maxRow len=" + len + " NaN at " + at);
                row[at] = 9f;
                assertEquals(9f, VecReduce.maxRow(row, 0, len), "maxRow len=" + len + " max at " + at);
            }
        }
    }

    @Test
    void binaryEveryOpWithBroadcasts() {
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : SIZES) {
                int rows = 3;
                float[] x = random(rows * n, n, op == BinaryOp.POW ? 0.1f : -3f, 3f);
                float[] row = random(n, n + 7, 0.5f, 2f), col = random(rows, n + 9, 0.5f, 2f);
                Layout full = Layout.contiguous(new int[] {rows, n});
                Layout rowB = new Layout(new int[] {rows, n}, new int[] {0, 1}, 0);   // [n] broadcast over rows
                Layout colB = new Layout(new int[] {rows, n}, new int[] {1, 0}, 0);   // [rows, 1] broadcast over cols
                Layout[][] cases = {{full, rowB}, {full, colB}, {rowB, full}, {colB, full}};
                for (Layout[] c : cases) {
                    float[] left = c[0] == full ? x : c[0] == rowB ? row : col, right = c[1] == full ? x : c[1] == rowB ? row : col;
                    Storage e = Storage.allocate(DType.FLOAT32, rows * n), v = Storage.allocate(DType.FLOAT32, rows * n);
                    ref.binary(op, st(left), c[0], st(right), c[1], e);
                    vec.binary(op, st(left), c[0], st(right), c[1], v);
                    close(op + " n=" + n + " strides " + java.util.Arrays.toString(c[0].strides()) + "/"
                            + java.util.Arrays.toString(c[1].strides()), e.floats(), v.floats(), 1e-6, 1e-7);
                }
            }
        }
    }

    @Test
    void reduceRowsAndColumns() {
        for (ReduceOp op : ReduceOp.values()) {
            for (int len : SIZES) {
                for (int inner : new int[] {1, 7, 33}) {
                    int outer = 3;
                    float[] x = random(outer * len * inner, len + inner, -1f, 1f);
                    Storage e = Storage.allocate(DType.FLOAT32, outer * inner), v = Storage.allocate(DType.FLOAT32, outer * inner);
                    ref.reduce(op, st(x), outer, len, inner, e);
                    vec.reduce(op, st(x), outer, len, inner, v);
                    // |x| ≤ 1: a float sum of len terms is off by at most len·u·len
                    close(op + " len=" + len + " inner=" + inner, e.floats(), v.floats(), 0, op == ReduceOp.SUM ? len * U * len + 1e-7 : 0);
                }
            }
        }
    }

    @Test
    void argReduceMatchesExactly() {
        for (boolean max : new boolean[] {true, false}) {
            for (int len : SIZES) {
                for (int inner : new int[] {1, 9}) {
                    float[] x = random(2 * len * inner, len, -1f, 1f);
                    Storage ev = Storage.allocate(DType.FLOAT32, 2 * inner), vv = Storage.allocate(DType.FLOAT32, 2 * inner);
                    Storage ei = Storage.allocate(DType.INT64, 2 * inner), vi = Storage.allocate(DType.INT64, 2 * inner);
                    ref.argReduce(max, st(x), 2, len, inner, ev, ei);
                    vec.argReduce(max, st(x), 2, len, inner, vv, vi);
                    assertArrayEquals(ev.floats(), vv.floats());
                    assertArrayEquals(ei.longs(), vi.longs());
                }
            }
        }
    }

    @Test
    void softmaxAndLogSoftmaxForwardBackward() {
        for (boolean log : new boolean[] {false, true}) {
            for (int cols : SIZES) {
                int rows = 5;
                float[] x = random(rows * cols, cols, -8f, 8f), dy = random(rows * cols, cols + 1, -1f, 1f);
                Storage e = Storage.allocate(DType.FLOAT32, rows * cols), v = Storage.allocate(DType.FLOAT32, rows * cols);
                ref.softmax(log, st(x), rows, cols, e);
                vec.softmax(log, st(x), rows, cols, v);
                close("softmax log=" + log + " cols=" + cols, e.floats(), v.floats(), 1e-5, 1e-6);
                Storage de = Storage.allocate(DType.FLOAT32, rows * cols), dv = Storage.allocate(DType.FLOAT32, rows * cols);
                ref.softmaxBackward(log, e, st(dy), rows, cols, de);
                vec.softmaxBackward(log, e, st(dy), rows, cols, dv);
                // dx = y·(dy − Σ dy·y): the row sum carries cols·u relative error
                close("softmax backward log=" + log + " cols=" + cols, de.floats(), dv.floats(), 1e-5, cols * U * 4 + 1e-6);
            }
        }
    }

    /**
     * Long rows are finished up to two rows behind the pass that takes their exponentials, so a call with fewer
     * rows than that finishes them all after its last pass (and a pool chunk can be that short too).
     */
    @Test
    void softmaxOfFewerLongRowsThanTheFinishingLag() {
        for (boolean log : new boolean[] {false, true}) {
            for (int rows = 1; rows <= 3; rows++) {
                int cols = 1000;
                float[] x = random(rows * cols, rows + 11, -8f, 8f);
                Storage e = Storage.allocate(DType.FLOAT32, rows * cols);
                ref.softmax(log, st(x), rows, cols, e);
                for (boolean streamed : new boolean[] {false, true}) {
                    float[] v = new float[rows * cols];
                    VecRows.softmax(log, x, rows, cols, v, streamed);
                    close("softmax log=" + log + " rows=" + rows + " streamed=" + streamed, e.floats(), v, 1e-5, 1e-6);
                }
            }
        }
    }

    /**
     * The pipelined softmax carries each row's max and finishing factors into the next row's pass: many rows
     * per thread (chunks of several rows, and a last row that reads its own max again), masked entries (−inf),
     * a fully masked row, rows with a NaN of either sign and one with +inf, each between ordinary rows (the
     * pipelined exponential clamps with integer ops that lose NaN, so NaN is caught per row); in both forms,
     * pipelined and streamed (each row's max and sum in passes of their own).
     */
    @Test
    void softmaxAcrossManyRowsWithMaskedAndNonFiniteRows() {
        for (boolean log : new boolean[] {false, true}) {
            for (int cols : new int[] {1, 9, 33, 1000}) {
                int rows = 67;
                float[] x = awkwardRows(rows, cols);
                Storage e = Storage.allocate(DType.FLOAT32, rows * cols);
                ref.softmax(log, st(x), rows, cols, e);
                for (boolean streamed : new boolean[] {false, true}) { // the forms for rows in cache and from memory
                    float[] v = new float[rows * cols];
                    VecRows.softmax(log, x, rows, cols, v, streamed);
                    String what = "softmax log=" + log + " cols=" + cols + " streamed=" + streamed;
                    close(what, e.floats(), v, 1e-5, 1e-6);
                    for (int row : new int[] {0, 20, 30, 41}) {
                        for (int c = 0; c < cols; c++) assertTrue(Float.isNaN(v[row * cols + c]), what + ": row " + row + " is NaN");
                    }
                }
            }
        }
    }

    /**
     * 67 rows for softmax: masked entries (−inf) in every row and a fully masked row 5, NaN of either sign in rows
     * 0, 20 and 30, +inf in row 41, and all-negative rows 50–52 spanning more than exp's range (with −0 and +0).
     */
    private static float[] awkwardRows(int rows, int cols) {
        float[] x = random(rows * cols, 3 * cols + 1, -30f, 30f);
        for (int i = 0; i < x.length; i += 3) x[i] = Float.NEGATIVE_INFINITY;
        java.util.Arrays.fill(x, 5 * cols, 6 * cols, Float.NEGATIVE_INFINITY);
        x[20 * cols + cols / 2] = Float.NaN;                        // positive NaN (0x7fc00000)
        x[30 * cols + cols / 4] = Float.intBitsToFloat(0xffc00000); // negative NaN, as x86 makes from 0/0
        x[41 * cols + cols / 3] = Float.POSITIVE_INFINITY;
        x[cols - 1] = Float.NaN;                                     // in the first row of the call
        // all-negative rows spanning more than exp's range, so a wrong max overflows: the vector kernel takes the
        // max on the floats' bits, where negative floats order in reverse
        for (int row = 50; row <= 52; row++) {
            for (int c = 0; c < cols; c++) x[row * cols + c] = -1f - 150f * ((c * 7919 + row) % 101) / 100f;
        }
        x[51 * cols + cols / 2] = -0f;
        x[52 * cols + cols / 3] = -0f;
        x[52 * cols + cols - 1] = 0f;
        return x;
    }

    /**
     * The row kernels carry values from row to row within a thread's chunk (the next row's max or sum), so
     * chunk boundaries must not change any bit: one thread and two give the same softmax and LayerNorm.
     */
    @Test
    void rowKernelsGiveTheSameBitsOnOneAndTwoThreads() {
        int rows = 97, cols = 1000, before = Parallel.threads();
        float[] x = random(rows * cols, 77, -6f, 9f);
        float[][] soft = new float[2][], logSoft = new float[2][], ln = new float[2][];
        try {
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                Storage o = Storage.allocate(DType.FLOAT32, rows * cols), lo = Storage.allocate(DType.FLOAT32, rows * cols);
                Storage n = Storage.allocate(DType.FLOAT32, rows * cols);
                vec.softmax(false, st(x), rows, cols, o);
                vec.softmax(true, st(x), rows, cols, lo);
                vec.layerNorm(st(x), null, null, rows, cols, 1e-5f, n, Storage.allocate(DType.FLOAT32, rows), Storage.allocate(DType.FLOAT32, rows));
                soft[t - 1] = o.floats();
                logSoft[t - 1] = lo.floats();
                ln[t - 1] = n.floats();
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(soft[0], soft[1]);
        assertArrayEquals(logSoft[0], logSoft[1]);
        assertArrayEquals(ln[0], ln[1]);
    }

    /**
     * LayerNorm takes its moments in one pass, shifted by the mean of the row's first vector: rows far from zero
     * (where E[x²] − mean² would lose the variance to cancellation: rstd 5% off at 1000 + N(0, 1)), rows whose
     * first lanes are outliers (the shift far from the mean, which sends the variance back to a second pass),
     * constant rows and constant rows with tiny noise, at widths with and without a full vector.
     */
    @Test
    void layerNormMomentsOnRowsFarFromZeroAndWithOutliers() {
        java.util.Random rnd = new java.util.Random(5);
        for (int cols : new int[] {5, 20, 768}) {
            int rows = 6;
            float[] x = new float[rows * cols];
            for (int c = 0; c < cols; c++) {
                double g = rnd.nextGaussian();
                x[c] = (float) (1000 + g);                               // far from zero
                x[cols + c] = (float) (c < 16 ? 1000 : g);               // outliers in the first vector
                x[2 * cols + c] = (float) (c < 3 ? 1e5 : g);             // fewer, larger outliers
                x[3 * cols + c] = 3f;                                    // constant: variance 0
                x[4 * cols + c] = (float) (3 + 1e-4 * g);                // nearly constant
                x[5 * cols + c] = (float) (-7e3 + 50 * g);               // far below zero
            }
            Storage e = Storage.allocate(DType.FLOAT32, rows * cols), v = Storage.allocate(DType.FLOAT32, rows * cols);
            Storage em = Storage.allocate(DType.FLOAT32, rows), vm = Storage.allocate(DType.FLOAT32, rows);
            Storage er = Storage.allocate(DType.FLOAT32, rows), vr = Storage.allocate(DType.FLOAT32, rows);
            ref.layerNorm(st(x), null, null, rows, cols, 1e-5f, e, em, er);
            vec.layerNorm(st(x), null, null, rows, cols, 1e-5f, v, vm, vr);
            close("layerNorm rstd cols=" + cols, er.floats(), vr.floats(), 2e-6, 0);
            for (int r = 0; r < rows; r++) { // the mean's error matters against the row's spread, not its size
                double error = Math.abs(vm.floats()[r] - em.floats()[r]) * Math.min(er.floats()[r], 1e3);
                assertTrue(error <= 1e-6, "layerNorm mean cols=" + cols + " row " + r + ": " + error + " standard deviations off");
            }
            // x − mean rounds at x's magnitude (up to 1e5): ulp(1e5)·rstd
            close("layerNorm cols=" + cols, e.floats(), v.floats(), 1e-5, 1e-2 * 4e-3 + 1e-4);
        }
    }

    @Test
    void layerNormForwardBackwardWithAndWithoutAffine() {
        // 67 rows: threads take chunks of several rows, through which the forward pass carries the next row's sum
        for (int cols : SIZES) for (int rows : new int[] {6, 67}) {
            for (boolean affine : new boolean[] {false, true}) {
                float[] x = random(rows * cols, cols, -3f, 5f), dy = random(rows * cols, cols + 3, -1f, 1f);
                Storage w = affine ? st(random(cols, 11, 0.5f, 1.5f)) : null, b = affine ? st(random(cols, 12, -1f, 1f)) : null;
                Storage e = Storage.allocate(DType.FLOAT32, rows * cols), v = Storage.allocate(DType.FLOAT32, rows * cols);
                Storage em = Storage.allocate(DType.FLOAT32, rows), vm = Storage.allocate(DType.FLOAT32, rows);
                Storage er = Storage.allocate(DType.FLOAT32, rows), vr = Storage.allocate(DType.FLOAT32, rows);
                ref.layerNorm(st(x), w, b, rows, cols, 1e-5f, e, em, er);
                vec.layerNorm(st(x), w, b, rows, cols, 1e-5f, v, vm, vr);
                // statistics are float sums of cols terms of size ≤ 5: relative error ~ cols·u
                double tol = cols * U * 8 + 1e-5;
                close("layerNorm cols=" + cols, e.floats(), v.floats(), tol, tol);
                close("layerNorm mean cols=" + cols, em.floats(), vm.floats(), tol, tol);
                close("layerNorm rstd cols=" + cols, er.floats(), vr.floats(), tol, tol);
                Storage dxe = Storage.allocate(DType.FLOAT32, rows * cols), dxv = Storage.allocate(DType.FLOAT32, rows * cols);
                Storage dwe = affine ? Storage.allocate(DType.FLOAT32, cols) : null, dwv = affine ? Storage.allocate(DType.FLOAT32, cols) : null;
                Storage dbe = affine ? Storage.allocate(DType.FLOAT32, cols) : null, dbv = affine ? Storage.allocate(DType.FLOAT32, cols) : null;
                ref.layerNormBackward(st(x), w, em, er, st(dy), rows, cols, dxe, dwe, dbe);
                vec.layerNormBackward(st(x), w, em, er, st(dy), rows, cols, dxv, dwv, dbv);
                close("layerNorm dx cols=" + cols, dxe.floats(), dxv.floats(), tol, tol);
                if (affine) {
                    close("layerNorm dw cols=" + cols, dwe.floats(), dwv.floats(), tol, tol);
                    close("layerNorm db cols=" + cols, dbe.floats(), dbv.floats(), tol, tol);
                }
            }
        }
    }

    /** The pom runs the gemm tests again with -Djgrad.l1d.kb=1024 and =8: this checks they get both blockings. */
    @Test
    void gemmBlockingFollowsTheL1Size() {
        String kb = System.getProperty("jgrad.l1d.kb");
        if (kb == null) { // whatever this machine's L1: one of the two blockings, never a mix
            assertEquals(VecGemm.KC == 128 ? 4 : 1, VecGemm.G, "KC=" + VecGemm.KC);
            assertTrue(VecGemm.KC == 128 || VecGemm.KC == 256, "KC=" + VecGemm.KC);
        } else { // 1024 KB holds any tile's B panel and A group, 8 KB none
            boolean large = Integer.parseInt(kb) >= 64;
            assertEquals(large ? 128 : 256, VecGemm.KC, "jgrad.l1d.kb=" + kb);
            assertEquals(large ? 4 : 1, VecGemm.G, "jgrad.l1d.kb=" + kb);
        }
    }

    @Test
    void gemmAllShapesTransposesBatchesAndEpilogues() {
        int[] dims = {1, 7, 8, 9, 31, 33};
        long seed = 0;
        for (int m : dims) for (int n : dims) for (int k : dims) {
            for (int variant = 0; variant < 4; variant++) gemmCase(m, n, k, variant, 1, ++seed);
        }
        // big enough for the packed, blocked, multi-threaded path with edge tiles everywhere, K past one KC block
        for (int variant = 0; variant < 4; variant++) gemmCase(100, 70, 300, variant, 1, ++seed);
        gemmCase(1000, 33, 31, 0, 1, ++seed);
        gemmCase(31, 1000, 9, 1, 1, ++seed);
        gemmCase(200, 2100, 40, 0, 1, ++seed);  // N past one NC block
        for (int variant = 0; variant < 4; variant++) gemmCase(1000, 300, 270, variant, 1, ++seed); // M past one MC block, A packed, K past KC
        for (int variant = 0; variant < 4; variant++) gemmCase(33, 31, 40, variant, 3, ++seed);
        gemmCase(9, 7, 8, 2, 5, ++seed);
        gemmCase(100, 100, 100, 3, 2, ++seed);
        // A with neither stride 1 (every other column of a wider matrix): the general packing path
        gemmCase(100, 70, 300, 4, 1, ++seed);
        gemmCase(100, 70, 300, 4, 2, ++seed);
        // overwriting with a bias epilogue (seed % 6 == 0) on the blocked path, K past one KC block, edge tiles in
        // both directions, every transpose variant
        for (int variant = 0; variant < 4; variant++) gemmCase(131, 200, 300, variant, 1, 6000 + 6L * variant);
    }

    /**
     * variant bit 0: A transposed (stored [K, M]); bit 1: B transposed (stored [N, K]); bit 2: A's elements two
     * apart along both dims (every other column of an [M, 2K] matrix). Batches broadcast B
     * (batch stride 0). Odd seeds accumulate into C; every third seed adds a bias + GELU epilogue.
     */
    @Test
    void gemmAllEqualsItsProductsOneByOne() {
        // three independent products with different batch counts writing disjoint parts of one C, small enough
        // to run as one job of matrices, and one large enough to run product by product
        for (int size : new int[] {20, 70}) {
            int m = size, n = size + 3, k = size + 5, mn = m * n;
            float[] a = random(6 * m * k, size, -1f, 1f), b = random(6 * k * n, size + 1, -1f, 1f);
            int[] batches = {1, 3, 2}, firstMatrix = {0, 1, 4};
            Storage cRef = Storage.allocate(DType.FLOAT32, 6 * mn), cVec = Storage.allocate(DType.FLOAT32, 6 * mn);
            Gemm[] oneByOne = new Gemm[3], asOneJob = new Gemm[3];
            for (int i = 0; i < 3; i++) {
                int f = firstMatrix[i];
                oneByOne[i] = new Gemm(batches[i], m, n, k, st(a), f * m * k, m * k, k, 1, st(b), f * k * n, k * n, 1, k,
                        cRef, f * mn, mn, n, false);
                asOneJob[i] = new Gemm(batches[i], m, n, k, st(a), f * m * k, m * k, k, 1, st(b), f * k * n, k * n, 1, k,
                        cVec, f * mn, mn, n, false);
            }
            for (Gemm g : oneByOne) ref.gemm(g);
            vec.gemmAll(asOneJob);
            close("gemmAll size " + size, cRef.floats(), cVec.floats(), 1e-5, 1e-5);
        }
    }

    private void gemmCase(int m, int n, int k, int variant, int batch, long seed) {
        boolean at = (variant & 1) != 0, bt = (variant & 2) != 0, acc = seed % 2 == 1, spread = (variant & 4) != 0;
        int aStride = spread ? 2 : 1;
        float[] a = random(batch * m * k * aStride + 3, seed, -1f, 1f), b = random(k * n + 5, seed + 1, -1f, 1f);
        float[] c0 = random(batch * m * n, seed + 2, -1f, 1f), bias = random(n, seed + 3, -1f, 1f);
        int aOff = 3, bOff = 5;
        int ars = (at ? 1 : k) * aStride, acs = (at ? m : 1) * aStride, brs = bt ? 1 : n, bcs = bt ? k : 1;
        if (spread && at) throw new IllegalArgumentException("spread A is not transposed");
        boolean epi = seed % 3 == 0;
        Storage[] cs = {st(c0), st(c0)};
        for (int i = 0; i < 2; i++) {
            Gemm g = new Gemm(batch, m, n, k, st(a), aOff, m * k * aStride, ars, acs, st(b), bOff, 0, brs, bcs, cs[i], 0, m * n, n, acc);
            if (epi) g = g.withEpilogue(st(bias), UnaryOp.GELU_ERF);
            (i == 0 ? ref : vec).gemm(g);
        }
        // |a|, |b| ≤ 1: each dot product of k terms is off by at most γ_k·Σ|a·b| ≤ k·u·k (plus |C| when accumulating)
        double tol = k * U * (k + 1) + 1e-6;
        close("gemm " + m + "x" + n + "x" + k + " variant " + variant + " batch " + batch + (acc ? " acc" : "") + (epi ? " epilogue" : ""),
                cs[0].floats(), cs[1].floats(), 1e-5, tol);
    }

    @Test
    void adamwUpdate() {
        for (int n : SIZES) {
            float[] p = random(n, n, -1f, 1f), g = random(n, n + 1, -1f, 1f), m = random(n, n + 2, -0.1f, 0.1f), v = random(n, n + 3, 0f, 0.01f);
            Storage[] pe = {st(p), st(g), st(m), st(v)}, pv = {st(p), st(g), st(m), st(v)};
            float b1 = (float) (1 - Math.pow(0.9, 3)), b2 = (float) (1 - Math.pow(0.999, 3));
            ref.adamw(pe[0], pe[1], pe[2], pe[3], n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, b1, b2);
            vec.adamw(pv[0], pv[1], pv[2], pv[3], n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, b1, b2);
            close("adamw p n=" + n, pe[0].floats(), pv[0].floats(), 1e-6, 1e-7);
            close("adamw m n=" + n, pe[2].floats(), pv[2].floats(), 1e-5, 1e-8);
            close("adamw v n=" + n, pe[3].floats(), pv[3].floats(), 1e-5, 1e-10);
        }
    }

    @Test
    void crossEntropyForwardBackward() {
        for (int cols : SIZES) {
            int rows = 4;
            float[] logits = random(rows * cols, cols, -3f, 3f);
            Storage logp = Storage.allocate(DType.FLOAT32, rows * cols);
            ref.softmax(true, st(logits), rows, cols, logp);
            long[] t = {0, cols - 1, -100, cols / 2};
            float[] w = random(cols, 5, 0.5f, 2f), dloss = random(rows, 6, -1f, 1f);
            for (Storage weights : new Storage[] {null, st(w)}) {
                for (float eps : new float[] {0f, 0.1f}) {
                    Storage le = Storage.allocate(DType.FLOAT32, rows), lv = Storage.allocate(DType.FLOAT32, rows);
                    ref.crossEntropy(logp, Storage.wrap(t), weights, rows, cols, -100, eps, le);
                    vec.crossEntropy(logp, Storage.wrap(t), weights, rows, cols, -100, eps, lv);
                    close("crossEntropy cols=" + cols, le.floats(), lv.floats(), 1e-5, cols * U * 8);
                    Storage de = Storage.allocate(DType.FLOAT32, rows * cols), dv = Storage.allocate(DType.FLOAT32, rows * cols);
                    ref.crossEntropyBackward(logp, Storage.wrap(t), weights, st(dloss), rows, cols, -100, eps, de);
                    vec.crossEntropyBackward(logp, Storage.wrap(t), weights, st(dloss), rows, cols, -100, eps, dv);
                    close("crossEntropy backward cols=" + cols, de.floats(), dv.floats(), 1e-5, 1e-6);
                }
            }
        }
    }

    @Test
    void gatherAndScatterAddRows() {
        for (int cols : SIZES) {
            int rows = 10;
            float[] table = random(rows * cols, cols, -1f, 1f);
            long[] idx = {3, 0, 9, 3, 7};
            Storage ge = Storage.allocate(DType.FLOAT32, idx.length * cols), gv = Storage.allocate(DType.FLOAT32, idx.length * cols);
            ref.gatherRows(st(table), rows, cols, Storage.wrap(idx), idx.length, ge);
            vec.gatherRows(st(table), rows, cols, Storage.wrap(idx), idx.length, gv);
            assertArrayEquals(ge.floats(), gv.floats());
            Storage te = st(table), tv = st(table);
            ref.scatterAddRows(ge, cols, Storage.wrap(idx), idx.length, te);
            vec.scatterAddRows(ge, cols, Storage.wrap(idx), idx.length, tv);
            assertArrayEquals(te.floats(), tv.floats());
        }
    }

    @Test
    void contiguousCopyIsExact() {
        for (int n : new int[] {1, 33, 1 << 18}) {
            float[] x = random(n + 4, n, -1f, 1f);
            Layout src = new Layout(new int[] {n}, new int[] {1}, 4), dst = Layout.contiguous(new int[] {n});
            Storage e = Storage.allocate(DType.FLOAT32, n), v = Storage.allocate(DType.FLOAT32, n);
            ref.copy(st(x), src, e, dst);
            vec.copy(st(x), src, v, dst);
            assertArrayEquals(e.floats(), v.floats());
        }
    }

    /** Transposing and row-gathering copies, small (the serial path) and large (split over the pool). */
    @Test
    void stridedCopyIsExact() {
        for (int rows : new int[] {3, 700}) {
            int cols = 257, n = rows * cols;
            float[] x = random(n + 2, rows, -1f, 1f);
            Layout transposed = new Layout(new int[] {cols, rows}, new int[] {1, cols}, 2);      // [C, R] view of [R, C]
            Layout everyOtherRow = new Layout(new int[] {(rows + 1) / 2, cols}, new int[] {2 * cols, 1}, 2);
            for (Layout src : new Layout[] {transposed, everyOtherRow}) {
                Layout dst = Layout.contiguous(src.shape());
                Storage e = Storage.allocate(DType.FLOAT32, dst.numel()), v = Storage.allocate(DType.FLOAT32, dst.numel());
                ref.copy(st(x), src, e, dst);
                vec.copy(st(x), src, v, dst);
                assertArrayEquals(e.floats(), v.floats(), "rows " + rows + " strides " + java.util.Arrays.toString(src.strides()));
                // and the reference itself reads the right element: [0, 1] of the transpose is x[1, 0]; row 1 of
                // every other row is x's row 2
                if (src == transposed) assertEquals(x[2 + cols], e.floats()[1]);
                else assertEquals(x[2 + 2 * cols], e.floats()[cols]);
            }
        }
    }

    /** Dropout's keyed mask: the SIMD fill gives exactly the reference's mask, with and without a source. */
    @Test
    void keyedMaskMatchesTheReferenceExactly() {
        assertEquals(true, dev.jgrad.engine.backend.Backends.cpu() instanceof VectorBackend, "tests run the vector backend");
        SplittableRandom rnd = new SplittableRandom(3);
        long[] keepBelows = {0L, 1L << 31, (long) Math.ceil(0.9 * 0x1p32), 1L << 32, 0xFFFFFFFFL};
        for (int n : new int[] {1, 7, 8, 9, 31, 33, 1000, 3 * (1 << 15) + 5}) {
            float[] src = new float[n + 3];
            for (int i = 0; i < src.length; i++) src[i] = (float) rnd.nextGaussian();
            for (long keepBelow : keepBelows) {
                long key = rnd.nextLong();
                for (boolean withSrc : new boolean[] {false, true}) {
                    float[] expected = new float[n], actual = new float[n];
                    float[] s = withSrc ? src : null;
                    KeyedMask.fillScalar(key, keepBelow, 1.25f, s, 3, expected, n, 0, (n + 1) / 2);
                    KeyedMask.fill(key, keepBelow, 1.25f, s, 3, actual, n);
                    assertArrayEquals(expected, actual, "n=" + n + " keepBelow=" + keepBelow + " src=" + withSrc);
                }
            }
        }
    }
}
