package dev.jgrad.nn;

/** A state dict that cannot be loaded; {@link #report()} says which keys were at fault. */
public final class StateDictException extends IllegalArgumentException {
    private final transient LoadReport report;

    public StateDictException(String message, LoadReport report) {
        super(message);
        this.report = report;
    }

    public LoadReport report() {
        return report;
    }
}
