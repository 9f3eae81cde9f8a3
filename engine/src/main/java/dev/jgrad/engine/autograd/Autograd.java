package dev.jgrad.engine.autograd;

import dev.jgrad.engine.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode automatic differentiation over the recorded graph.
 *
 * <p>Forward: every differentiable op calls {@link #record} with its inputs and a backward closure.
 * Backward: visit the nodes in reverse topological order from the output, so each node's output gradient is
 * complete (summed over all its uses) before its closure runs; leaves that require grad accumulate into
 * {@code .grad}. The closures run with recording off, so gradients are plain tensors (no double backward).
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Attaches a node to {@code out} when recording is on and some input requires grad; otherwise does nothing.
     * Returns {@code out} for chaining.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, Node.BackwardFn backward) {
        if (!GradMode.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) any |= t != null && t.requiresGrad();
        if (!any) return out;
        out.attachGradFn(new Node(op, inputs, backward));
        return out;
    }

    /**
     * Computes d(root)/d(leaf) for every leaf that requires grad, given d(loss)/d(root) = {@code dRoot}, and adds
     * it to the leaf's {@code .grad}. Frees the graph unless {@code retainGraph}.
     */
    public static void backward(Tensor root, Tensor dRoot, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad and has no grad_fn");
        }
        if (!Arrays.equals(root.shape(), dRoot.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + Arrays.toString(dRoot.shape())
                    + " does not match output shape " + Arrays.toString(root.shape()));
        }
        try (var scope = GradMode.noGrad()) {
            if (root.gradFn() == null) { // backward on a leaf: its gradient is dRoot itself
                accumulate(root, dRoot);
                return;
            }
            List<Node> order = topologicalOrder(root.gradFn());
            Map<Node, Tensor> grads = new IdentityHashMap<>();
            grads.put(root.gradFn(), dRoot);
            for (Node node : order) {
                Tensor dOut = grads.remove(node);
                if (dOut == null) continue; // no path from the root's gradient reaches this node
                Tensor[] inputs = node.inputs();
                Tensor[] dInputs = node.apply(dOut);
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    Tensor d = dInputs[i];
                    if (in == null || d == null || !in.requiresGrad()) continue;
                    if (!Arrays.equals(d.shape(), in.shape())) {
                        throw new IllegalStateException("internal: " + node.name() + " produced a gradient of shape "
                                + Arrays.toString(d.shape()) + " for an input of shape " + Arrays.toString(in.shape()));
                    }
                    if (in.gradFn() == null) {
                        accumulate(in, d);
                    } else {
                        grads.merge(in.gradFn(), d, Tensor::add);
                    }
                }
                if (!retainGraph) node.release();
            }
        }
    }

    private static void accumulate(Tensor leaf, Tensor d) {
        Tensor g = leaf.grad();
        // The first gradient is copied: d may be shared with other leaves (add's backward passes dOut to both).
        leaf.setGrad(g == null ? d.contiguousCopy() : g.add(d));
    }

    /** Nodes reachable from {@code root}, each after every node that consumes its output. */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> postOrder = new ArrayList<>();
        Map<Node, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {node, next input index}
        stack.push(new Object[] {root, 0});
        visited.put(root, true);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node node = (Node) top[0];
            Tensor[] inputs = node.inputs();
            int i = (Integer) top[1];
            if (i < inputs.length) {
                top[1] = i + 1;
                Tensor in = inputs[i];
                Node child = in == null ? null : in.gradFn();
                if (child != null && visited.put(child, true) == null) stack.push(new Object[] {child, 0});
            } else {
                stack.pop();
                postOrder.add(node);
            }
        }
        java.util.Collections.reverse(postOrder);
        return postOrder;
    }
}
