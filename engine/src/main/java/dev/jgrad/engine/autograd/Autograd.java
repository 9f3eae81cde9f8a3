package dev.jgrad.engine.autograd;

import dev.jgrad.engine.Storage;
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
     * Returns {@code out} for chaining. The backward closure must not keep the gradients it returns: backward
     * may add further contributions into them in place.
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
                accumulate(root, dRoot, null);
                return;
            }
            List<Node> order = topologicalOrder(root.gradFn());
            Map<Node, Tensor> grads = new IdentityHashMap<>();
            Holders holders = new Holders(Storage.serialMark());
            grads.put(root.gradFn(), dRoot);
            holders.add(dRoot);
            List<Tensor> dead = new ArrayList<>();
            for (Node node : order) {
                Tensor dOut = grads.remove(node);
                if (dOut == null) continue; // no path from the root's gradient reaches this node
                holders.remove(dOut);
                Tensor[] inputs = node.inputs();
                Tensor[] dInputs;
                boolean owned = holders.fresh(dOut) && holders.count(dOut) == 0;
                OWNED.set(owned ? dOut : null);
                try {
                    dInputs = node.apply(dOut);
                } finally {
                    OWNED.remove();
                }
                if (owned) dead.add(dOut);
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    Tensor d = dInputs[i];
                    if (d == null) continue;
                    if (in == null || !in.requiresGrad()) {
                        dead.add(d);
                        continue;
                    }
                    if (!Arrays.equals(d.shape(), in.shape())) {
                        throw new IllegalStateException("internal: " + node.name() + " produced a gradient of shape "
                                + Arrays.toString(d.shape()) + " for an input of shape " + Arrays.toString(in.shape()));
                    }
                    if (in.gradFn() == null) {
                        if (!accumulate(in, d, holders)) dead.add(d);
                        continue;
                    }
                    Tensor pending = grads.get(in.gradFn());
                    if (pending == null) {
                        grads.put(in.gradFn(), d);
                        holders.add(d);
                    } else if (holders.ownsAlone(pending) && pending.storage() != d.storage()) {
                        pending.add_(d); // the sum of a node's output gradients, accumulated where it already is
                        dead.add(d);
                    } else {
                        holders.remove(pending);
                        Tensor sum = pending.add(d);
                        grads.put(in.gradFn(), sum);
                        holders.add(sum);
                        dead.add(pending);
                        dead.add(d);
                    }
                }
                releaseDead(dead, holders);
                if (!retainGraph) node.release();
            }
        }
    }

    /**
     * Hands the buffers this step has finished with back to the {@link dev.jgrad.engine.StoragePool}: gradients
     * allocated during this pass (so no forward tensor, saved tensor or caller can hold them) that cover their
     * storage whole and that no pending gradient or leaf gradient shares. The closure that produced or consumed
     * them has returned and keeps nothing (the rule of {@link #record}); every other tensor on their storage is
     * in {@code dead} too, or counted by {@code holders}.
     */
    private static void releaseDead(List<Tensor> dead, Holders holders) {
        for (Tensor t : dead) {
            if (holders.fresh(t) && holders.count(t) == 0) t.storage().release();
        }
        dead.clear();
    }

    /** The gradient being handed to the running backward closure, when nothing else holds its storage. */
    private static final ThreadLocal<Tensor> OWNED = new ThreadLocal<>();

    /**
     * Whether the running backward closure may write its result into {@code g}, the output gradient it was
     * handed: true when g's storage was allocated during this backward pass, covers it whole, and no other
     * pending gradient, leaf gradient or caller holds it (the same rule as for summing in place). A closure
     * whose kernel reads each element of g before writing the same element of its result can then skip an
     * allocation (dropout's backward does).
     */
    public static boolean mayOverwrite(Tensor g) {
        return g != null && OWNED.get() == g;
    }

    /**
     * The first gradient of a leaf becomes its {@code .grad} without a copy when only this backward pass has
     * ever seen its buffer; otherwise (d may be shared: add's backward passes dOut to both inputs) it is copied.
     * Returns whether the leaf kept {@code d} itself.
     */
    private static boolean accumulate(Tensor leaf, Tensor d, Holders holders) {
        Tensor g = leaf.grad();
        if (g != null) {
            leaf.setGrad(g.add(d));
            return false;
        } else if (holders != null && holders.fresh(d) && holders.count(d) == 0) {
            leaf.setGrad(d);
            holders.add(d);
            holders.add(d); // held by the leaf for good: never written in place by this pass
            return true;
        } else {
            leaf.setGrad(d.contiguousCopy());
            return false;
        }
    }

    /**
     * How many pending gradients (and leaf gradients set by this pass) use each storage. A pending gradient
     * may be summed into in place only when its storage was allocated during this pass (so neither the
     * forward pass, nor the caller, nor a saved tensor can hold it), it is the storage's only user, and it
     * covers the whole storage contiguously. This saves an allocation and a pass per residual connection.
     */
    private static final class Holders {
        private final long mark;
        private final Map<Storage, Integer> counts = new IdentityHashMap<>();

        Holders(long mark) { this.mark = mark; }

        void add(Tensor t) { counts.merge(t.storage(), 1, Integer::sum); }

        void remove(Tensor t) { counts.computeIfPresent(t.storage(), (k, n) -> n == 1 ? null : n - 1); }

        int count(Tensor t) { return counts.getOrDefault(t.storage(), 0); }

        boolean fresh(Tensor t) {
            return t.storage().serial() >= mark && t.isWholeStorage();
        }

        boolean ownsAlone(Tensor t) { return fresh(t) && count(t) == 1; }
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
