package dev.jgrad.engine.ops;

import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.engine.backend.Backend;

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
