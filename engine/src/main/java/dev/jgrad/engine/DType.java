package dev.jgrad.engine;

/**
 * Element types a {@link Tensor} can hold.
 *
 * <p>Only {@link #FLOAT32} takes part in arithmetic and autograd. The integer types carry indices and labels
 * ({@link #INT64} is PyTorch's {@code long}), {@link #INT8} is storage for quantized weights, and {@link #BOOL}
 * is what comparisons return (one byte per element, 0 or 1).
 */
public enum DType {
    FLOAT32(4, "float32"),
    INT32(4, "int32"),
    INT64(8, "int64"),
    INT8(1, "int8"),
    BOOL(1, "bool");

    /** Bytes per element. */
    public final int bytes;
    /** The name PyTorch prints, e.g. {@code float32}. */
    public final String torchName;

    DType(int bytes, String torchName) {
        this.bytes = bytes;
        this.torchName = torchName;
    }

    /** True for the integer types (including bool), which never require gradients. */
    public boolean isIntegral() {
        return this != FLOAT32;
    }
}
