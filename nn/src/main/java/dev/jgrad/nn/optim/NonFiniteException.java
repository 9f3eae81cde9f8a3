package dev.jgrad.nn.optim;

/** A loss or gradient became NaN or infinite; the message names the step and, for gradients, the parameter. */
public final class NonFiniteException extends ArithmeticException {
    private final long step;

    public NonFiniteException(String message, long step) {
        super(message);
        this.step = step;
    }

    /** The training step at which the value was found. */
    public long step() { return step; }
}
