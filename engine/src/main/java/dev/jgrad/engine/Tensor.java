package dev.jgrad.engine;

import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.engine.autograd.Node;
import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.ops.Creation;
import dev.jgrad.engine.ops.Elementwise;
import dev.jgrad.engine.ops.Format;
import dev.jgrad.engine.ops.InPlace;
import dev.jgrad.engine.ops.Joins;
import dev.jgrad.engine.ops.Matmul;
import dev.jgrad.engine.ops.Reduce;
import dev.jgrad.engine.ops.Softmax;
import dev.jgrad.engine.ops.Views;

import java.util.List;

/**
 * An n-dimensional array with reverse-mode autograd: jgrad's central type.
 *
 * <p>A tensor is a {@link Storage} read through a {@link Layout} (shape, strides, offset). Views (reshape,
 * permute, slice, expand, ...) make a new tensor over the same storage without copying. Ops broadcast like
 * NumPy. When recording is on ({@link GradMode}) and an input {@link #requiresGrad()}, the result remembers the
 * op that made it ({@link #gradFn()}) and {@link #backward()} fills in {@link #grad()} on the leaves.
 *
 * <p><b>In-place policy.</b> Methods ending in {@code _} ({@link #add_}, {@link #fill_}, ...) write into this
 * tensor's storage and are never recorded in the graph. They are refused on a tensor that is part of a graph
 * (requires grad) while recording is on, and they bump the storage's version, so a backward that would read a
 * tensor overwritten after it was saved fails loudly instead of returning wrong gradients. Optimizers update
 * parameters in place inside {@link GradMode#noGrad()}.
 *
 * <p>This class is a facade: the math lives in {@code dev.jgrad.engine.ops}, one file per op family, each
 * op's forward and backward side by side.
 */
public final class Tensor {
    private final Storage storage;
    private final Layout layout;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    private Tensor(Storage storage, Layout layout) {
        this.storage = storage;
        this.layout = layout;
    }

    /** A tensor reading {@code storage} through {@code layout} (no copy). Ops build their results with this. */
    public static Tensor wrap(Storage storage, Layout layout) {
        return new Tensor(storage, layout);
    }

    /** A contiguous tensor over all of {@code storage} with the given shape. */
    public static Tensor wrap(Storage storage, int... shape) {
        Layout l = Layout.contiguous(shape.clone());
        if (l.numel() != storage.size()) {
            throw new IllegalArgumentException("wrap: shape " + java.util.Arrays.toString(shape) + " holds " + l.numel()
                    + " elements but the storage has " + storage.size());
        }
        return new Tensor(storage, l);
    }

    // ---------------------------------------------------------------- creation (see ops.Creation)

    /** Zeros of the given shape. */
    public static Tensor zeros(int... shape) { return Creation.full(0f, DType.FLOAT32, shape); }
    /** Zeros of the given shape and dtype. */
    public static Tensor zeros(DType dtype, int... shape) { return Creation.full(0f, dtype, shape); }
    /** Ones of the given shape. */
    public static Tensor ones(int... shape) { return Creation.full(1f, DType.FLOAT32, shape); }
    /** {@code value} everywhere. */
    public static Tensor full(float value, int... shape) { return Creation.full(value, DType.FLOAT32, shape); }
    /** A 0-d tensor holding {@code value}. */
    public static Tensor scalar(float value) { return Creation.full(value, DType.FLOAT32); }
    /** start, start+step, ... below end, as float32. */
    public static Tensor arange(double start, double end, double step) { return Creation.arange(start, end, step); }
    /** 0, 1, ..., n−1 as float32. */
    public static Tensor arange(int n) { return Creation.arange(0, n, 1); }
    /** Copies {@code data} into a float32 tensor of {@code shape} (the shape may be omitted for 1-D). */
    public static Tensor fromArray(float[] data, int... shape) { return Creation.fromArray(data, shape); }
    /** Copies {@code data} into an int64 tensor (indices, labels). */
    public static Tensor fromArray(long[] data, int... shape) { return Creation.fromArray(data, shape); }
    /** Copies {@code data} into an int32 tensor. */
    public static Tensor fromArray(int[] data, int... shape) { return Creation.fromArray(data, shape); }
    /** Uniform in [0, 1). */
    public static Tensor rand(Generator gen, int... shape) { return Creation.uniform(0, 1, gen, shape); }
    /** Standard normal. */
    public static Tensor randn(Generator gen, int... shape) { return Creation.normal(0, 1, gen, shape); }
    /** Uniform in [low, high). */
    public static Tensor uniform(double low, double high, Generator gen, int... shape) { return Creation.uniform(low, high, gen, shape); }
    /** Normal with the given mean and standard deviation. */
    public static Tensor normal(double mean, double std, Generator gen, int... shape) { return Creation.normal(mean, std, gen, shape); }

    // ---------------------------------------------------------------- metadata

    public Storage storage() { return storage; }
    public Layout layout() { return layout; }
    /** The shape (a copy). */
    public int[] shape() { return layout.shape().clone(); }
    /** Size of dim {@code d} (negative counts from the end). */
    public int size(int d) { return layout.shape()[Views.dim(d, dim())]; }
    /** Strides in elements (a copy). */
    public int[] strides() { return layout.strides().clone(); }
    public int offset() { return layout.offset(); }
    /** Number of dims. */
    public int dim() { return layout.shape().length; }
    /** Number of elements. */
    public int numel() { return layout.numel(); }
    public DType dtype() { return storage.dtype(); }
    public Device device() { return storage.device(); }
    /** True when the elements are packed row-major without gaps. */
    public boolean isContiguous() { return layout.isContiguous(); }
    /** Whether this tensor is its whole storage, contiguous from element 0 (so its array can be handed on as is). */
    public boolean isWholeStorage() { return isContiguous() && offset() == 0 && storage.size() == numel(); }

    // ---------------------------------------------------------------- autograd

    /** Whether gradients flow to (leaf) or through (non-leaf) this tensor. */
    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as needing its gradient; returns this. Only float32 leaves can require grad. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach()");
        }
        if (value && dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("only float32 tensors can require grad, this one is " + dtype());
        }
        requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf, or null. */
    public Tensor grad() { return grad; }

    /** Replaces the gradient (optimizers and clipping use this; null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !java.util.Arrays.equals(g.layout.shape(), layout.shape())) {
            throw new IllegalArgumentException("setGrad: gradient shape " + java.util.Arrays.toString(g.layout.shape())
                    + " does not match tensor shape " + java.util.Arrays.toString(layout.shape()));
        }
        grad = g;
    }

    /** The node that made this tensor, or null for a leaf. */
    public Node gradFn() { return gradFn; }

    /** True for tensors no recorded op made. */
    public boolean isLeaf() { return gradFn == null; }

    /** Used by {@link Autograd#record}: marks this tensor as the output of {@code node}. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    /** The same data, cut from the graph. */
    public Tensor detach() { return new Tensor(storage, layout); }

    /** Backpropagates from a one-element tensor (usually the loss). */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() needs a one-element output, this one has shape "
                    + java.util.Arrays.toString(layout.shape()) + "; pass the output gradient explicitly");
        }
        Autograd.backward(this, Creation.full(1f, DType.FLOAT32, layout.shape()).to(device()), false);
    }

    /** Backpropagates with an explicit gradient of the same shape as this tensor. */
    public void backward(Tensor dThis) { Autograd.backward(this, dThis, false); }

    /** As {@link #backward(Tensor)}, keeping the graph for another backward when {@code retainGraph}. */
    public void backward(Tensor dThis, boolean retainGraph) { Autograd.backward(this, dThis, retainGraph); }

    // ---------------------------------------------------------------- data access

    /** The single value of a one-element tensor. */
    public float item() { return Format.item(this); }
    /** The elements in row-major order, as floats (any dtype). */
    public float[] toFloatArray() { return Format.toFloatArray(this); }
    /** The elements in row-major order, as longs (any dtype; floats truncated). */
    public long[] toLongArray() { return Format.toLongArray(this); }
    /** Element at the given index, as a float. */
    public float get(int... index) { return Format.get(this, index); }

    @Override
    public String toString() { return Format.format(this); }

    // ---------------------------------------------------------------- views (see ops.Views)

    /** Same data, new shape (one dim may be −1); fails when the strides cannot express it without a copy. */
    public Tensor view(int... shape) { return Views.view(this, shape); }
    /** Same as {@link #view} when possible, otherwise a contiguous copy. */
    public Tensor reshape(int... shape) { return Views.reshape(this, shape); }
    /** All dims flattened into one. */
    public Tensor flatten() { return Views.reshape(this, -1); }
    /** Dims from start to end (inclusive) merged into one. */
    public Tensor flatten(int start, int end) { return Views.flatten(this, start, end); }
    /** Reorders dims: result dim i is input dim {@code order[i]}. */
    public Tensor permute(int... order) { return Views.permute(this, order); }
    /** Swaps two dims. */
    public Tensor transpose(int d0, int d1) { return Views.transpose(this, d0, d1); }
    /** Transpose of a matrix (swaps the last two dims). */
    public Tensor mT() { return Views.transpose(this, -2, -1); }
    /** Broadcasts size-1 dims (and new leading dims) to {@code shape} without copying; −1 keeps a size. */
    public Tensor expand(int... shape) { return Views.expand(this, shape); }
    /** Same as {@link #expand}. */
    public Tensor broadcastTo(int... shape) { return Views.expand(this, shape); }
    /** Elements start..start+length−1 along dim. */
    public Tensor narrow(int dim, int start, int length) { return Views.slice(this, dim, start, start + length, 1); }
    /** Python's {@code x[..., start:end:step, ...]} along dim (negative start/end count from the end). */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }
    /** Index {@code index} of dim, which is removed. */
    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }
    /** All size-1 dims removed. */
    public Tensor squeeze() { return Views.squeeze(this); }
    /** Dim d removed if its size is 1. */
    public Tensor squeeze(int d) { return Views.squeeze(this, d); }
    /** A size-1 dim inserted at d. */
    public Tensor unsqueeze(int d) { return Views.unsqueeze(this, d); }
    /** This tensor if contiguous, else a contiguous copy (recorded: gradients flow through it). */
    public Tensor contiguous() { return Views.contiguous(this); }
    /** A contiguous copy, always (recorded). */
    public Tensor clone() { return Views.copy(this); }
    /** A contiguous copy outside the graph. */
    public Tensor contiguousCopy() { return Views.copyDetached(this); }
    /** A copy converted to {@code dtype} (float→int truncates, like PyTorch). */
    public Tensor to(DType dtype) { return Views.toDType(this, dtype); }
    /** This tensor on {@code device}; a no-op when already there. */
    public Tensor to(Device device) { return Views.toDevice(this, device); }
    /** This tensor on the host. */
    public Tensor cpu() { return Views.toDevice(this, Device.CPU); }
    /** Splits into pieces of {@code size} along dim (the last may be smaller). */
    public List<Tensor> split(int size, int dim) { return Joins.split(this, size, dim); }
    /** Splits into {@code chunks} nearly equal pieces along dim. */
    public List<Tensor> chunk(int chunks, int dim) { return Joins.chunk(this, chunks, dim); }
    /** Concatenates along an existing dim. */
    public static Tensor cat(List<Tensor> tensors, int dim) { return Joins.cat(tensors, dim); }
    /** Stacks along a new dim. */
    public static Tensor stack(List<Tensor> tensors, int dim) { return Joins.stack(tensors, dim); }

    // ---------------------------------------------------------------- elementwise (see ops.Elementwise)

    public Tensor add(Tensor other) { return Elementwise.add(this, other); }
    public Tensor add(float s) { return Elementwise.affine(this, 1f, s); }
    public Tensor sub(Tensor other) { return Elementwise.sub(this, other); }
    public Tensor sub(float s) { return Elementwise.affine(this, 1f, -s); }
    public Tensor mul(Tensor other) { return Elementwise.mul(this, other); }
    public Tensor mul(float s) { return Elementwise.affine(this, s, 0f); }
    public Tensor div(Tensor other) { return Elementwise.div(this, other); }
    public Tensor div(float s) { return Elementwise.affine(this, 1f / s, 0f); }
    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor pow(float exponent) { return Elementwise.pow(this, exponent); }
    public Tensor pow(Tensor exponent) { return Elementwise.pow(this, exponent); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor rsqrt() { return Elementwise.rsqrt(this); }
    public Tensor abs() { return Elementwise.abs(this); }
    public Tensor tanh() { return Elementwise.tanh(this); }
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    public Tensor relu() { return Elementwise.relu(this); }
    /** GELU, exact (erf) form. */
    public Tensor gelu() { return Elementwise.gelu(this, false); }
    /** GELU; {@code tanhApprox} selects PyTorch's {@code approximate='tanh'} form. */
    public Tensor gelu(boolean tanhApprox) { return Elementwise.gelu(this, tanhApprox); }
    public Tensor silu() { return Elementwise.silu(this); }
    public Tensor clamp(float min, float max) { return Elementwise.clamp(this, min, max); }
    public Tensor maximum(Tensor other) { return Elementwise.maximum(this, other); }
    public Tensor minimum(Tensor other) { return Elementwise.minimum(this, other); }
    /** {@code value} where mask (bool, broadcastable) is true, this tensor elsewhere. */
    public Tensor maskedFill(Tensor mask, float value) { return Elementwise.maskedFill(this, mask, value); }
    /** cond ? a : b elementwise, with broadcasting; cond is bool. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }
    public Tensor eq(Tensor o) { return Elementwise.compare(dev.jgrad.engine.backend.CompareOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return Elementwise.compare(dev.jgrad.engine.backend.CompareOp.NE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.compare(dev.jgrad.engine.backend.CompareOp.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.compare(dev.jgrad.engine.backend.CompareOp.LE, this, o); }
    public Tensor gt(Tensor o) { return Elementwise.compare(dev.jgrad.engine.backend.CompareOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.compare(dev.jgrad.engine.backend.CompareOp.GE, this, o); }
    public Tensor eq(float v) { return eq(scalar(v)); }
    public Tensor gt(float v) { return gt(scalar(v)); }
    public Tensor lt(float v) { return lt(scalar(v)); }

    // ---------------------------------------------------------------- reductions (see ops.Reduce)

    /** Sum of all elements (0-d). */
    public Tensor sum() { return Reduce.sum(this, Reduce.allDims(this), false); }
    /** Sum over {@code dims}; {@code keepdim} keeps them with size 1. */
    public Tensor sum(int[] dims, boolean keepdim) { return Reduce.sum(this, dims, keepdim); }
    public Tensor sum(int dim, boolean keepdim) { return Reduce.sum(this, new int[] {dim}, keepdim); }
    public Tensor mean() { return Reduce.mean(this, Reduce.allDims(this), false); }
    public Tensor mean(int[] dims, boolean keepdim) { return Reduce.mean(this, dims, keepdim); }
    public Tensor mean(int dim, boolean keepdim) { return Reduce.mean(this, new int[] {dim}, keepdim); }
    /** Largest element (0-d); its gradient is shared evenly among ties. */
    public Tensor max() { return Reduce.amax(this, Reduce.allDims(this), false, true); }
    public Tensor min() { return Reduce.amax(this, Reduce.allDims(this), false, false); }
    /** Max over several dims at once (PyTorch's {@code amax}). */
    public Tensor amax(int[] dims, boolean keepdim) { return Reduce.amax(this, dims, keepdim, true); }
    public Tensor amin(int[] dims, boolean keepdim) { return Reduce.amax(this, dims, keepdim, false); }
    /** Max along one dim: values and int64 indices (first occurrence wins). */
    public Reduce.ValuesIndices max(int dim, boolean keepdim) { return Reduce.maxDim(this, dim, keepdim, true); }
    public Reduce.ValuesIndices min(int dim, boolean keepdim) { return Reduce.maxDim(this, dim, keepdim, false); }
    public Tensor argmax(int dim, boolean keepdim) { return Reduce.maxDim(this, dim, keepdim, true).indices(); }
    public Tensor argmin(int dim, boolean keepdim) { return Reduce.maxDim(this, dim, keepdim, false).indices(); }
    /** Variance over dims with Bessel's correction when {@code unbiased}. */
    public Tensor var(int[] dims, boolean unbiased, boolean keepdim) { return Reduce.var(this, dims, unbiased, keepdim); }
    public Tensor std(int[] dims, boolean unbiased, boolean keepdim) { return Reduce.var(this, dims, unbiased, keepdim).sqrt(); }
    /** log Σ exp over dims, computed stably. */
    public Tensor logsumexp(int[] dims, boolean keepdim) { return Reduce.logsumexp(this, dims, keepdim); }

    // ---------------------------------------------------------------- linear algebra, softmax

    /** Matrix product with NumPy semantics: 1-D operands promoted, batch dims broadcast. */
    public Tensor matmul(Tensor other) { return Matmul.matmul(this, other); }
    public Tensor softmax(int dim) { return Softmax.softmax(this, dim, false); }
    public Tensor logSoftmax(int dim) { return Softmax.softmax(this, dim, true); }

    // ---------------------------------------------------------------- in place (see ops.InPlace)

    /** Writes {@code value} everywhere; returns this. */
    public Tensor fill_(float value) { return InPlace.fill(this, value); }
    public Tensor zero_() { return InPlace.fill(this, 0f); }
    /** Copies {@code src} (broadcast to this shape) into this tensor. */
    public Tensor copy_(Tensor src) { return InPlace.copy(this, src); }
    /** this += other. */
    public Tensor add_(Tensor other) { return InPlace.binary("add_", BinaryOp.ADD, this, other); }
    /** this += alpha·other. */
    public Tensor add_(Tensor other, float alpha) { return add_(other.detach().mul(alpha)); }
    /** this *= s. */
    public Tensor mul_(float s) { return InPlace.affine("mul_", this, s, 0f); }
    /** this *= other. */
    public Tensor mul_(Tensor other) { return InPlace.binary("mul_", BinaryOp.MUL, this, other); }
}
