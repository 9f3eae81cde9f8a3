package dev.jgrad.engine.backend;

/** Elementwise comparisons; they produce {@link dev.jgrad.engine.DType#BOOL} tensors and no gradient. */
public enum CompareOp {
    EQ, NE, LT, LE, GT, GE;

    /** Applies the comparison to two floats. */
    public boolean test(float a, float b) {
        return switch (this) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }
}
