package dev.jgrad.engine.autograd;

import dev.jgrad.engine.Tensor;

/**
 * One recorded op in the graph: the tensors it read and the function that turns the gradient of its output
 * into gradients of those inputs. The function closes over whatever forward saved (and nothing else).
 */
public final class Node {
    /** Maps d(loss)/d(output) to d(loss)/d(input) for each input; null entries mean "no gradient". */
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor dOut);
    }

    private final String op;
    private Tensor[] inputs;
    private BackwardFn backward;

    Node(String op, Tensor[] inputs, BackwardFn backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** The op's name as PyTorch would print it in {@code grad_fn}, e.g. {@code MulBackward0}. */
    public String name() {
        return op;
    }

    Tensor[] inputs() {
        if (inputs == null) throw released();
        return inputs;
    }

    Tensor[] apply(Tensor dOut) {
        if (backward == null) throw released();
        return backward.apply(dOut);
    }

    /** Drops the saved tensors so their memory can be reclaimed. */
    void release() {
        inputs = null;
        backward = null;
    }

    boolean isReleased() {
        return backward == null;
    }

    private IllegalStateException released() {
        return new IllegalStateException("backward through " + op + " a second time: its saved tensors were freed "
                + "after the first backward; pass retainGraph=true to the first backward if you need this");
    }

    @Override
    public String toString() {
        return "<" + op + ">";
    }
}
