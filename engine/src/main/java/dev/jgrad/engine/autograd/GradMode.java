package dev.jgrad.engine.autograd;

/**
 * Whether ops record the graph for backward, per thread. Use {@link #noGrad()} in try-with-resources:
 * <pre>{@code
 * try (var scope = GradMode.noGrad()) {
 *     // inference, optimizer updates: nothing recorded, in-place writes to parameters allowed
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /** True when ops on this thread record the graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** A scope, closed by try-with-resources, inside which nothing is recorded. */
    public static Scope noGrad() {
        return set(false);
    }

    /** A scope inside which recording is on again (e.g. a training step called from a no-grad region). */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }

    /** Restores the previous grad mode on close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
