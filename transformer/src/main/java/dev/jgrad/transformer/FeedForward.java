package dev.jgrad.transformer;

import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Linear;

/**
 * The position-wise feed-forward block, linear2(dropout(act(linear1(x)))), or with SwiGLU
 * linear2(dropout(silu(linear1(x)) ⊙ linear3(x))). Not a module of its own: the layers register its
 * linears under PyTorch's names ({@code linear1}, {@code linear2}, and {@code linear3} for the gate), so
 * PyTorch state dicts load by name.
 */
record FeedForward(Linear linear1, Linear linear2, Linear gate, Dropout dropout, LayerConfig.Activation activation) {

    /** x: [..., E] → [..., E]. */
    Tensor apply(Tensor x) {
        Tensor h = linear1.forward(x);                                   // [..., F]
        h = switch (activation) {
            case RELU -> h.relu();
            case GELU -> h.gelu();
            case SWIGLU -> h.silu().mul(gate.forward(x));
        };
        return linear2.forward(dropout.forward(h));
    }
}
