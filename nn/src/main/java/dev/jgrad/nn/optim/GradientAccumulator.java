package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;

/**
 * Gradient accumulation: k micro-batches, one optimizer step. Each micro-batch's (mean) loss is scaled by 1/k
 * before backward, so the accumulated gradient equals that of the mean loss over the whole batch.
 * <pre>{@code
 * var acc = new GradientAccumulator(4);
 * for (batch : microBatches) {
 *     if (acc.backward(lossOf(batch))) { optimizer.step(); optimizer.zeroGrad(); }
 * }
 * }</pre>
 */
public final class GradientAccumulator {
    private final int steps;
    private int count;

    public GradientAccumulator(int steps) {
        if (steps < 1) throw new IllegalArgumentException("accumulation steps must be ≥ 1, got " + steps);
        this.steps = steps;
    }

    /** Backpropagates loss/k; returns true when this completes a group of k, i.e. when to call step(). */
    public boolean backward(Tensor loss) {
        loss.div((float) steps).backward();
        count = (count + 1) % steps;
        return count == 0;
    }

    /** Micro-batches accumulated since the last completed group. */
    public int pending() { return count; }

    /** Micro-batch count modulo k, for saving training state. */
    public void setPending(int pending) { this.count = pending; }
}
