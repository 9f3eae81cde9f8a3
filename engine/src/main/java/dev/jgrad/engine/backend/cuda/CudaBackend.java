package dev.jgrad.engine.backend.cuda;

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
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

/**
 * The {@link Backend} on one NVIDIA GPU, through JCuda's driver API and jgrad's own kernels (engine/src/main/cuda,
 * compiled to the PTX resources next to this class). Each method checks nothing the ops have not checked,
 * packs the kernel's arguments and queues the launch on the device's stream; only methods that must report
 * bad indices (embedding, cross-entropy) and copies to the host wait for the GPU.
 *
 * <p>Storages passed in must live on this device, except host storages (the 0-dim scalars ops build, such as
 * {@code Tensor.scalar(0f)}), which are uploaded for the call.
 */
public final class CudaBackend implements Backend {
    private static volatile MatmulPrecision precision = MatmulPrecision.fromProperty();
    private final CudaDevice dev;

    private CudaBackend(CudaDevice dev) {
        this.dev = dev;
    }

    /** The backend for a CUDA device; {@code Backends.forDevice} calls this once per device after the probe. */
    public static CudaBackend create(Device device) {
        return new CudaBackend(new CudaDevice(device));
    }

    /** Sets the GEMM precision for every CUDA backend in the process (see {@link MatmulPrecision}). */
    public static void setMatmulPrecision(MatmulPrecision p) {
        precision = p;
    }

    public static MatmulPrecision matmulPrecision() {
        return precision;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return dev.device;
    }

    /** GPU name, compute capability and SM count, e.g. for {@code jgrad info} and benchmark records. */
    public String describe() {
        return dev.toString();
    }

    /** Waits until every queued kernel and copy has finished (for timing). */
    public void synchronize() {
        dev.synchronize();
    }

    /** Allocator counters; see {@link CudaAllocator}. */
    public CudaAllocator.Stats memoryStats() {
        return dev.allocator().stats();
    }

    /** Runs the garbage collector so the blocks of storages that died return to the cache. */
    public void collect() {
        dev.makeCurrent();
        dev.allocator().collect();
    }

    /** Runs the garbage collector so storages that died return their blocks, then frees the cache to the driver. */
    public void emptyCache() {
        dev.makeCurrent();
        dev.allocator().collect();
        dev.allocator().emptyCache();
    }

    /** A device copy of a host storage. */
    public Storage upload(Storage host) {
        return dev.upload(host);
    }

    /** A host copy of a storage of this device. */
    public Storage download(Storage storage) {
        return dev.download(storage);
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        dev.makeCurrent();
        return dev.allocator().allocate(dtype, size);
    }

    // ---- device pointers --------------------------------------------------------------------------

    /** Host storages uploaded for the length of one call; their blocks go back once the kernel is queued. */
    private final class Temps implements AutoCloseable {
        private final List<CUdeviceptr> ptrs = new ArrayList<>();
        private final List<Long> sizes = new ArrayList<>();

        CUdeviceptr in(Storage s) {
            if (s == null) return null;
            if (s.device().equals(dev.device)) return ((CudaBuffer) s.data()).ptr();
            if (!s.isHost()) {
                throw new IllegalArgumentException("a storage on " + s.device() + " was passed to the " + dev.device + " backend");
            }
            long bytes = Math.max(1L, (long) s.size() * s.dtype().bytes);
            CUdeviceptr p = dev.allocator().scratch(bytes);
            ptrs.add(p);
            sizes.add(bytes);
            Storage h = s;
            Pointer hp = switch (h.dtype()) {
                case FLOAT32 -> Pointer.to(h.floats());
                case INT32 -> Pointer.to(h.ints());
                case INT64 -> Pointer.to(h.longs());
                case INT8, BOOL -> Pointer.to(h.bytes());
            };
            if (s.size() > 0) cuMemcpyHtoD(p, hp, (long) s.size() * s.dtype().bytes);
            return p;
        }

        @Override
        public void close() {
            for (int i = 0; i < ptrs.size(); i++) dev.allocator().release(ptrs.get(i), sizes.get(i));
        }
    }

    private Temps temps() {
        dev.makeCurrent();
        return new Temps();
    }

    /** The device pointer of an output, which must be on this device. */
    private CUdeviceptr out(Storage s) {
        if (s == null) return null;
        if (!s.device().equals(dev.device)) {
            throw new IllegalArgumentException("the " + dev.device + " backend cannot write a storage on " + s.device());
        }
        return ((CudaBuffer) s.data()).ptr();
    }

    private static int isLong(Storage idx) {
        return switch (idx.dtype()) {
            case INT64 -> 1;
            case INT32 -> 0;
            default -> throw new IllegalArgumentException("indices must be int32 or int64, got " + idx.dtype());
        };
    }

    /** Threads per block for one-block-per-row kernels: a warp for short rows, up to 256 for long ones. */
    private static int rowThreads(int cols) {
        return cols <= 32 ? 32 : cols <= 64 ? 64 : cols <= 128 ? 128 : 256;
    }

    private int rowBlocks(int rows) {
        return Math.max(1, Math.min(rows, dev.smCount * 64));
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @Override
    public void copy(Storage src, Layout s, Storage dst, Layout d) {
        int[] st = CudaStrided.pack(s, d);
        if (CudaStrided.count(st) == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("elementwise", "ew_copy"), dev.blocksFor(CudaStrided.count(st), 256), 1, 1, 256, 1, 1, 0,
                    st, t.in(src), src.dtype().ordinal(), out(dst), dst.dtype().ordinal());
        }
    }

    @Override
    public void fill(Storage dst, Layout d, double value) {
        int[] st = CudaStrided.pack(d);
        if (CudaStrided.count(st) == 0) return;
        dev.makeCurrent();
        dev.launch(dev.function("elementwise", "ew_fill"), dev.blocksFor(CudaStrided.count(st), 256), 1, 1, 256, 1, 1, 0,
                st, out(dst), dst.dtype().ordinal(), value);
    }

    /** elementwise.cu's op codes; a switch expression, so a new UnaryOp does not compile until mapped here. */
    static int unaryCode(UnaryOp op) {
        return switch (op) {
            case NEG -> 0; case EXP -> 1; case LOG -> 2; case SQRT -> 3; case RSQRT -> 4; case ABS -> 5; case SIGN -> 6;
            case TANH -> 7; case SIGMOID -> 8; case RELU -> 9; case RELU_GRAD -> 10; case GELU_ERF -> 11;
            case GELU_ERF_GRAD -> 12; case GELU_TANH -> 13; case GELU_TANH_GRAD -> 14; case SILU -> 15; case SILU_GRAD -> 16;
            case POW -> 17; case AFFINE -> 18; case CLAMP -> 19; case CLAMP_GRAD -> 20;
        };
    }

    static int binaryCode(BinaryOp op) {
        return switch (op) {
            case ADD -> 0; case SUB -> 1; case MUL -> 2; case DIV -> 3; case POW -> 4; case MAXIMUM -> 5; case MINIMUM -> 6;
        };
    }

    static int compareCode(CompareOp op) {
        return switch (op) {
            case EQ -> 0; case NE -> 1; case LT -> 2; case LE -> 3; case GT -> 4; case GE -> 5;
        };
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Storage x, Layout xl, Storage out) {
        int[] st = CudaStrided.pack(xl);
        if (CudaStrided.count(st) == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("elementwise", "ew_unary"), dev.blocksFor(CudaStrided.count(st), 256), 1, 1, 256, 1, 1, 0,
                    st, unaryCode(op), a, b, t.in(x), out(out));
        }
    }

    @Override
    public void binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        int[] st = CudaStrided.pack(al, bl);
        if (CudaStrided.count(st) == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("elementwise", "ew_binary"), dev.blocksFor(CudaStrided.count(st), 256), 1, 1, 256, 1, 1, 0,
                    st, binaryCode(op), t.in(a), t.in(b), out(out));
        }
    }

    @Override
    public void compare(CompareOp op, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        int[] st = CudaStrided.pack(al, bl);
        if (CudaStrided.count(st) == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("elementwise", "ew_compare"), dev.blocksFor(CudaStrided.count(st), 256), 1, 1, 256, 1, 1, 0,
                    st, compareCode(op), t.in(a), t.in(b), out(out));
        }
    }

    @Override
    public void where(Storage cond, Layout cl, Storage a, Layout al, Storage b, Layout bl, Storage out) {
        int[] st = CudaStrided.pack(cl, al, bl);
        if (CudaStrided.count(st) == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("elementwise", "ew_where"), dev.blocksFor(CudaStrided.count(st), 256), 1, 1, 256, 1, 1, 0,
                    st, t.in(cond), t.in(a), t.in(b), out(out));
        }
    }

    // ---- reductions -------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out) {
        if (outer == 0 || inner == 0) return;
        int code = switch (op) { case SUM -> 0; case MAX -> 1; case MIN -> 2; };
        try (Temps t = temps()) {
            if (inner == 1) {
                dev.launch(dev.function("reduce", "reduce_rows"), rowBlocks(outer), 1, 1, 256, 1, 1, 0, code, t.in(x), outer, len, out(out));
            } else {
                dev.launch(dev.function("reduce", "reduce_cols"), dev.blocksFor((long) outer * inner, 256), 1, 1, 256, 1, 1, 0,
                        code, t.in(x), outer, len, inner, out(out));
            }
        }
    }

    @Override
    public void argReduce(boolean max, Storage x, int outer, int len, int inner, Storage values, Storage indices) {
        if (outer == 0 || inner == 0) return;
        if (len == 0) throw new IllegalArgumentException("argmax/argmin of an empty dimension");
        try (Temps t = temps()) {
            if (inner == 1) {
                dev.launch(dev.function("reduce", "argreduce_rows"), rowBlocks(outer), 1, 1, 256, 1, 1, 0,
                        max ? 1 : 0, t.in(x), outer, len, out(values), out(indices));
            } else {
                dev.launch(dev.function("reduce", "argreduce_cols"), dev.blocksFor((long) outer * inner, 256), 1, 1, 256, 1, 1, 0,
                        max ? 1 : 0, t.in(x), outer, len, inner, out(values), out(indices));
            }
        }
    }

    // ---- matrix products --------------------------------------------------------------------------

    @Override
    public void gemm(Gemm g) {
        try (Temps t = temps()) {
            CudaGemm.run(dev, g, t.in(g.a()), t.in(g.b()), out(g.c()), precision);
        }
    }

    /** As {@link #gemm} with an explicit precision (benchmarks and tests). */
    public void gemm(Gemm g, MatmulPrecision p) {
        try (Temps t = temps()) {
            CudaGemm.run(dev, g, t.in(g.a()), t.in(g.b()), out(g.c()), p);
        }
    }

    /**
     * int8 GEMM with dp4a for quantized layers: c[m, n] (int32) = a[m, k] · b[n, k]ᵀ, both int8 and contiguous
     * (weights in nn.Linear's [out, in] layout).
     */
    public void gemmInt8(Storage a, Storage b, Storage c, int m, int n, int k) {
        if (a.dtype() != DType.INT8 || b.dtype() != DType.INT8 || c.dtype() != DType.INT32) {
            throw new IllegalArgumentException("gemmInt8: expects int8 a, b and an int32 c, got " + a.dtype() + ", " + b.dtype() + ", " + c.dtype());
        }
        try (Temps t = temps()) {
            CudaGemm.int8(dev, m, n, k, t.in(a), k, t.in(b), k, out(c), n);
        }
    }

    // ---- row-wise ---------------------------------------------------------------------------------

    @Override
    public void softmax(boolean log, Storage x, int rows, int cols, Storage out) {
        if (rows == 0 || cols == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("rows", "softmax_rows"), rowBlocks(rows), 1, 1, rowThreads(cols), 1, 1, 0,
                    log ? 1 : 0, t.in(x), rows, cols, out(out));
        }
    }

    @Override
    public void softmaxBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx) {
        if (rows == 0 || cols == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("rows", "softmax_backward_rows"), rowBlocks(rows), 1, 1, rowThreads(cols), 1, 1, 0,
                    log ? 1 : 0, t.in(y), t.in(dy), rows, cols, out(dx));
        }
    }

    @Override
    public void layerNorm(Storage x, Storage w, Storage b, int rows, int cols, float eps, Storage out, Storage mean, Storage rstd) {
        if (rows == 0 || cols == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("rows", "layernorm_rows"), rowBlocks(rows), 1, 1, rowThreads(cols), 1, 1, 0,
                    t.in(x), t.in(w), t.in(b), rows, cols, eps, out(out), out(mean), out(rstd));
        }
    }

    @Override
    public void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage dy, int rows, int cols,
                                  Storage dx, Storage dw, Storage db) {
        if (rows == 0 || cols == 0) return;
        try (Temps t = temps()) {
            CUdeviceptr xp = t.in(x), mp = t.in(mean), rp = t.in(rstd), gp = t.in(dy);
            dev.launch(dev.function("rows", "layernorm_backward_rows"), rowBlocks(rows), 1, 1, rowThreads(cols), 1, 1, 0,
                    xp, t.in(w), mp, rp, gp, rows, cols, out(dx));
            if (dw != null || db != null) {
                // Enough row chunks to fill the GPU with (columns/32 · chunks) blocks of 256 threads.
                int colBlocks = (cols + 31) / 32;
                int chunks = Math.max(1, Math.min((rows + 63) / 64, dev.smCount * 8 / colBlocks + 1));
                int perChunk = (rows + chunks - 1) / chunks;
                dev.launch(dev.function("rows", "layernorm_backward_params"), colBlocks, chunks, 1, 32, 8, 1, 0,
                        xp, mp, rp, gp, rows, cols, perChunk, out(dw), out(db));
            }
        }
    }

    // ---- embedding, loss, optimizer ---------------------------------------------------------------

    @Override
    public void gatherRows(Storage table, int rows, int cols, Storage idx, int n, Storage out) {
        if (n == 0 || cols == 0) return;
        try (Temps t = temps()) {
            CUdeviceptr err = dev.clearError();
            dev.launch(dev.function("embedding", "gather_rows"), dev.blocksFor((long) n * cols, 256), 1, 1, 256, 1, 1, 0,
                    t.in(table), rows, cols, t.in(idx), isLong(idx), n, out(out), err);
        }
        long[] e = dev.readError();
        if (e != null) {
            throw new IndexOutOfBoundsException("embedding: index " + e[1] + " is out of range [0, " + rows + ") at position " + e[0]);
        }
    }

    @Override
    public void scatterAddRows(Storage src, int cols, Storage idx, int n, Storage table) {
        if (n == 0 || cols == 0) return;
        int rows = table.size() / Math.max(cols, 1);
        try (Temps t = temps()) {
            CUdeviceptr err = dev.clearError();
            dev.launch(dev.function("embedding", "scatter_add_rows"), dev.blocksFor((long) n * cols, 256), 1, 1, 256, 1, 1, 0,
                    t.in(src), cols, t.in(idx), isLong(idx), n, out(table), rows, err);
        }
        long[] e = dev.readError();
        if (e != null) {
            throw new IndexOutOfBoundsException("embedding backward: index " + e[1] + " is out of range [0, " + rows + ") at position " + e[0]);
        }
    }

    @Override
    public void crossEntropy(Storage logp, Storage targets, Storage weights, int rows, int cols, int ignoreIndex,
                             float smoothing, Storage loss) {
        if (rows == 0) return;
        try (Temps t = temps()) {
            CUdeviceptr err = dev.clearError();
            dev.launch(dev.function("loss", "cross_entropy_rows"), rowBlocks(rows), 1, 1, rowThreads(cols), 1, 1, 0,
                    t.in(logp), t.in(targets), isLong(targets), t.in(weights), rows, cols, ignoreIndex, smoothing, out(loss), err);
        }
        checkTargets(cols);
    }

    @Override
    public void crossEntropyBackward(Storage logp, Storage targets, Storage weights, Storage dloss, int rows, int cols,
                                     int ignoreIndex, float smoothing, Storage dlogits) {
        if (rows == 0) return;
        try (Temps t = temps()) {
            CUdeviceptr err = dev.clearError();
            dev.launch(dev.function("loss", "cross_entropy_backward_rows"), rowBlocks(rows), 1, 1, rowThreads(cols), 1, 1, 0,
                    t.in(logp), t.in(targets), isLong(targets), t.in(weights), t.in(dloss), rows, cols, ignoreIndex, smoothing,
                    out(dlogits), err);
        }
        checkTargets(cols);
    }

    private void checkTargets(int cols) {
        long[] e = dev.readError();
        if (e != null) {
            throw new IndexOutOfBoundsException("crossEntropy: target " + e[1] + " at position " + e[0] + " is out of range [0, " + cols + ")");
        }
    }

    /**
     * Fused AdamW over n contiguous float32 elements, in place (PyTorch's AdamW; the semantics of
     * {@code Backend.adamw} on the branch that adds it).
     */
    public void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, float bias1, float bias2) {
        if (n == 0) return;
        try (Temps t = temps()) {
            dev.launch(dev.function("optim", "adamw"), dev.blocksFor(n, 256), 1, 1, 256, 1, 1, 0,
                    out(param), t.in(grad), out(m), out(v), n, lr, beta1, beta2, eps, weightDecay, bias1, bias2);
        }
    }

    // ---- attention --------------------------------------------------------------------------------

    @Override
    public void attentionForward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                 Storage out, Storage lse) {
        try (Temps t = temps()) {
            CudaAttention.forward(dev, s, t.in(q), t.in(k), t.in(v), t.in(bias), biasLayout, out(out), out(lse));
        }
    }

    @Override
    public void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage bias, Layout biasLayout,
                                  Storage out, Storage lse, Storage dOut, Storage dq, Storage dk, Storage dv) {
        try (Temps t = temps()) {
            CudaAttention.backward(dev, s, t.in(q), t.in(k), t.in(v), t.in(bias), biasLayout, t.in(out), t.in(lse), t.in(dOut),
                    out(dq), out(dk), out(dv));
        }
    }
}
