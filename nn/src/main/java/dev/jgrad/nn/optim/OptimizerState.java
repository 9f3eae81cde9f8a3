package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;

import java.util.Map;

/**
 * A snapshot of an optimizer: per-parameter buffers as tensors named {@code "<param name>/<buffer>"} (e.g.
 * {@code "encoder.layer.0.output.dense.weight/exp_avg"}), and JSON-friendly scalars (step counts and group
 * hyperparameters). The tensors are copies, so the snapshot does not change as training goes on.
 */
public record OptimizerState(Map<String, Tensor> tensors, Map<String, Object> scalars) {
    public OptimizerState {
        tensors = Map.copyOf(tensors);
        scalars = Map.copyOf(scalars);
    }
}
