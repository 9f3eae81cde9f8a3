package dev.jgrad.nn.schedule;

import dev.jgrad.nn.optim.Optimizer;
import dev.jgrad.nn.optim.ParamGroup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * A learning-rate schedule driven by the step count: each group's lr is {@code initialLr · factor(step)}.
 * As in PyTorch, building a schedule applies factor(0), and {@link #step()} is called once after each
 * {@code optimizer.step()}. Closed forms are used (rather than PyTorch's chained updates) so that the lr at
 * step n does not depend on the path there, which keeps resumed runs exact.
 *
 * <p>The factories name the usual schedules: {@link #constant}, {@link #stepLR}, {@link #exponential} (PyTorch)
 * and {@link #linearWithWarmup}, {@link #cosineWithWarmup} (Hugging Face's {@code get_*_schedule_with_warmup}).
 */
public class LRScheduler implements Scheduler {
    private final Optimizer optimizer;
    private final LongToDoubleFunction factor;
    private final String kind;
    private long lastStep;

    public LRScheduler(Optimizer optimizer, String kind, LongToDoubleFunction factor) {
        this.optimizer = optimizer;
        this.kind = kind;
        this.factor = factor;
        apply();
    }

    /** lr unchanged. */
    public static LRScheduler constant(Optimizer opt) {
        return new LRScheduler(opt, "constant", s -> 1.0);
    }

    /** PyTorch's StepLR: lr·γ^⌊step/stepSize⌋. */
    public static LRScheduler stepLR(Optimizer opt, long stepSize, double gamma) {
        if (stepSize < 1) throw new IllegalArgumentException("stepSize must be ≥ 1, got " + stepSize);
        return new LRScheduler(opt, "step", s -> Math.pow(gamma, s / stepSize));
    }

    /** PyTorch's ExponentialLR: lr·γ^step. */
    public static LRScheduler exponential(Optimizer opt, double gamma) {
        return new LRScheduler(opt, "exponential", s -> Math.pow(gamma, s));
    }

    /** Linear warmup from 0 over {@code warmup} steps, then linear decay to 0 at {@code total} steps. */
    public static LRScheduler linearWithWarmup(Optimizer opt, long warmup, long total) {
        checkWarmup(warmup, total);
        return new LRScheduler(opt, "linear_warmup", s -> s < warmup
                ? (double) s / Math.max(1, warmup)
                : Math.max(0.0, (double) (total - s) / Math.max(1, total - warmup)));
    }

    /** Linear warmup, then a half cosine from 1 to 0 at {@code total} steps (HF's default numCycles 0.5). */
    public static LRScheduler cosineWithWarmup(Optimizer opt, long warmup, long total) {
        return cosineWithWarmup(opt, warmup, total, 0.5);
    }

    /** As {@link #cosineWithWarmup(Optimizer, long, long)} with {@code numCycles} cosine periods after warmup. */
    public static LRScheduler cosineWithWarmup(Optimizer opt, long warmup, long total, double numCycles) {
        checkWarmup(warmup, total);
        return new LRScheduler(opt, "cosine_warmup", s -> {
            if (s < warmup) return (double) s / Math.max(1, warmup);
            double progress = (double) (s - warmup) / Math.max(1, total - warmup);
            return Math.max(0.0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * progress)));
        });
    }

    private static void checkWarmup(long warmup, long total) {
        if (warmup < 0 || total < warmup) throw new IllegalArgumentException("need 0 ≤ warmup ≤ total, got warmup " + warmup + ", total " + total);
    }

    /** Advances one step and sets the new learning rates. */
    public void step() {
        lastStep++;
        apply();
    }

    private void apply() {
        double f = factor.applyAsDouble(lastStep);
        for (ParamGroup g : optimizer.paramGroups()) g.setLr(g.initialLr() * f);
    }

    /** Steps taken so far. */
    public long lastStep() { return lastStep; }

    /** The current lr of the first group. */
    public double lastLr() { return optimizer.paramGroups().get(0).lr(); }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("last_step", lastStep);
        return m;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        if (!kind.equals(state.get("kind"))) throw new IllegalArgumentException("schedule state is for '" + state.get("kind") + "', not '" + kind + "'");
        lastStep = ((Number) state.get("last_step")).longValue();
        apply();
    }
}
