package dev.jgrad.engine.ops;

import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.UnaryOp;

import java.util.Arrays;

/**
 * Writes into an existing tensor. These are never recorded; see the in-place policy on {@link Tensor}.
 */
public final class InPlace {
    private InPlace() {}

    /** Refuses a write that would corrupt a recorded graph, then bumps the storage version. */
    static void checkWritable(String op, Tensor x) {
        if (x.requiresGrad() && GradMode.isEnabled()) {
            throw new IllegalStateException(op + ": a tensor of shape " + Support.str(x.shape()) + " that requires grad "
                    + (x.isLeaf() ? "(a leaf)" : "(part of a graph)")
                    + " cannot be modified in place while gradients are recorded; use GradMode.noGrad() or an out-of-place op");
        }
        x.storage().bumpVersion();
    }

    /** x[...] = value. */
    public static Tensor fill(Tensor x, float value) {
        checkWritable("fill_", x);
        Support.backend("fill_", x).fill(x.storage(), x.layout(), value);
        return x;
    }

    /**
     * x = x op other (other broadcast to x's shape). When x is one contiguous block from the start of its
     * storage and other does not share it, the kernel writes straight into x (each element is read before it
     * is written); otherwise the result goes through a temporary and a copy.
     */
    public static Tensor binary(String name, BinaryOp op, Tensor x, Tensor other) {
        int[] shape = Support.broadcastShapes(name, x.shape(), other.shape());
        if (!Arrays.equals(shape, x.shape())) {
            throw new IllegalArgumentException(name + ": operand of shape " + Support.str(other.shape())
                    + " does not broadcast to the destination's shape " + Support.str(x.shape()));
        }
        if (!writesInPlace(x) || other.storage() == x.storage()) {
            return copy(x, Elementwise.binaryRaw(name, op, x.detach(), other.detach()));
        }
        Support.requireFloat(name, x, other);
        checkWritable(name, x);
        Backend be = Support.backend(name, x, other);
        be.binary(op, x.storage(), x.layout(), other.storage(), Support.expandLayout(name, other.layout(), shape), x.storage());
        return x;
    }

    /** x = a·x + b, in place when x is one contiguous block from the start of its storage. */
    public static Tensor affine(String name, Tensor x, float a, float b) {
        if (!writesInPlace(x)) return copy(x, Elementwise.unaryRaw(name, UnaryOp.AFFINE, a, b, x.detach()));
        Support.requireFloat(name, x);
        checkWritable(name, x);
        Support.backend(name, x).unary(UnaryOp.AFFINE, a, b, x.storage(), x.layout(), x.storage());
        return x;
    }

    /** Whether a kernel's contiguous output (which starts at element 0) is exactly x. */
    private static boolean writesInPlace(Tensor x) {
        return x.isContiguous() && x.offset() == 0;
    }

    /** x[...] = src, with src broadcast to x's shape and converted to x's dtype. */
    public static Tensor copy(Tensor x, Tensor src) {
        int[] shape = Support.broadcastShapes("copy_", x.shape(), src.shape());
        if (!Arrays.equals(shape, x.shape())) {
            throw new IllegalArgumentException("copy_: source of shape " + Support.str(src.shape())
                    + " does not broadcast to the destination's shape " + Support.str(x.shape()));
        }
        checkWritable("copy_", x);
        Backend be = Support.backend("copy_", x, src);
        be.copy(src.storage(), Support.expandLayout("copy_", src.layout(), shape), x.storage(), x.layout());
        return x;
    }
}
