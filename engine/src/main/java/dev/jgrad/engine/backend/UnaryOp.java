package dev.jgrad.engine.backend;

/**
 * Elementwise functions of one float. Some take parameters {@code a, b} (named in each comment).
 * The {@code *_GRAD} entries are derivatives f'(x), so that backward passes stay one kernel call.
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, ABS, SIGN, TANH, SIGMOID, RELU,
    /** x > 0 ? 1 : 0. */
    RELU_GRAD,
    /** x/2 * (1 + erf(x/sqrt 2)). */
    GELU_ERF, GELU_ERF_GRAD,
    /** x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    GELU_TANH, GELU_TANH_GRAD,
    /** x * sigmoid(x). */
    SILU, SILU_GRAD,
    /** x^a. */
    POW,
    /** a*x + b. */
    AFFINE,
    /** min(max(x, a), b). */
    CLAMP,
    /** a <= x <= b ? 1 : 0, the derivative of CLAMP. */
    CLAMP_GRAD
}
