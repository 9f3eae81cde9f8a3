package dev.jgrad.engine.autograd;

import dev.jgrad.engine.Tensor;

/**
 * A tensor saved by forward for backward, with the version its storage had at that moment. Reading it in
 * backward after an in-place write would silently give wrong gradients, so {@link #get()} fails instead.
 */
public final class Saved {
    private final Tensor tensor;
    private final int version;
    private final String op;

    private Saved(Tensor tensor, String op) {
        this.tensor = tensor;
        this.version = tensor.storage().version();
        this.op = op;
    }

    /** Saves {@code t} for the backward of {@code op}. */
    public static Saved of(Tensor t, String op) {
        return new Saved(t, op);
    }

    /** The saved tensor, checked to be unmodified since it was saved. */
    public Tensor get() {
        int now = tensor.storage().version();
        if (now != version) {
            throw new IllegalStateException("a tensor of shape " + java.util.Arrays.toString(tensor.shape())
                    + " saved for the backward of " + op + " was modified by an in-place operation (version "
                    + version + " when saved, " + now + " now); clone it before writing to it in place");
        }
        return tensor;
    }
}
