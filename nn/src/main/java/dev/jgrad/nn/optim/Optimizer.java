package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimizers, after {@code torch.optim.Optimizer}: parameter groups, per-parameter state,
 * {@link #step()}, {@link #zeroGrad()} and state save/load.
 *
 * <p>{@link #step()} walks the parameters that have a gradient and hands each to {@link #update}, which holds
 * all of an optimizer's math in one place (so a fused kernel can replace it) and runs under
 * {@link GradMode#noGrad()} with in-place tensor ops.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();

    /** Per-parameter state: the number of updates applied and named buffers (momentum, moments, ...). */
    protected static final class ParamState {
        public long step;
        public final Map<String, Tensor> buffers = new LinkedHashMap<>();

        /** The buffer {@code name}, created as zeros shaped like {@code like} on first use. */
        public Tensor buffer(String name, Tensor like) {
            return buffers.computeIfAbsent(name, k -> Tensor.zeros(like.shape()));
        }
    }

    protected Optimizer(List<ParamGroup> groups, double defaultLr, double defaultWeightDecay) {
        if (!(defaultLr >= 0)) throw new IllegalArgumentException("learning rate must be ≥ 0, got " + defaultLr);
        if (!(defaultWeightDecay >= 0)) throw new IllegalArgumentException("weight decay must be ≥ 0, got " + defaultWeightDecay);
        this.groups = List.copyOf(groups);
        Map<String, Boolean> names = new LinkedHashMap<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup g : this.groups) {
            if (Double.isNaN(g.lr)) g.lr = g.initialLr = defaultLr;
            if (Double.isNaN(g.weightDecay)) g.weightDecay = defaultWeightDecay;
            for (var e : g.params().entrySet()) {
                if (names.put(e.getKey(), true) != null) throw new IllegalArgumentException("parameter name '" + e.getKey() + "' appears in two groups");
                if (seen.put(e.getValue(), true) != null) throw new IllegalArgumentException("parameter '" + e.getKey() + "' appears twice");
            }
        }
    }

    public List<ParamGroup> paramGroups() { return groups; }

    /** Applies one update to every parameter that has a gradient (parameters without one are skipped). */
    public void step() {
        try (var scope = GradMode.noGrad()) {
            for (ParamGroup g : groups) {
                for (Tensor p : g.params().values()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    ParamState s = state.computeIfAbsent(p, k -> new ParamState());
                    s.step++;
                    update(g, p, grad.detach(), s);
                }
            }
        }
    }

    /**
     * The update rule for one parameter: writes the new value into {@code param} in place and updates the
     * buffers of {@code s}, whose {@code step} already counts this update. Runs with recording off.
     */
    protected abstract void update(ParamGroup group, Tensor param, Tensor grad, ParamState s);

    /** Clears the gradients of all parameters (to null, as PyTorch's default {@code set_to_none=True}). */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Tensor p : g.params().values()) p.setGrad(null);
    }

    /** Optimizer-wide hyperparameters, saved so that a load into a differently configured optimizer is caught. */
    protected abstract Map<String, Object> hyperparameters();

    /** A copy of the whole state; see {@link OptimizerState}. */
    public OptimizerState stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Object> steps = new LinkedHashMap<>();
        List<Map<String, Object>> gs = new ArrayList<>();
        for (ParamGroup g : groups) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("lr", g.lr);
            gm.put("initial_lr", g.initialLr);
            gm.put("weight_decay", g.weightDecay);
            gm.put("params", new ArrayList<>(g.params().keySet()));
            gs.add(gm);
            for (var e : g.params().entrySet()) {
                ParamState s = state.get(e.getValue());
                if (s == null) continue;
                steps.put(e.getKey(), s.step);
                for (var b : s.buffers.entrySet()) tensors.put(e.getKey() + "/" + b.getKey(), b.getValue().contiguousCopy());
            }
        }
        Map<String, Object> scalars = new LinkedHashMap<>();
        scalars.put("type", getClass().getSimpleName());
        scalars.put("hyperparameters", hyperparameters());
        scalars.put("param_groups", gs);
        scalars.put("steps", steps);
        return new OptimizerState(tensors, scalars);
    }

    /**
     * Restores a state from {@link #stateDict()}: the same optimizer type, group structure and parameter
     * names are required, and everything is checked before anything is changed.
     */
    @SuppressWarnings("unchecked")
    public void loadStateDict(OptimizerState st) {
        Map<String, Object> sc = st.scalars();
        if (!getClass().getSimpleName().equals(sc.get("type"))) {
            throw new IllegalArgumentException("optimizer state is for " + sc.get("type") + ", not " + getClass().getSimpleName());
        }
        List<Map<String, Object>> gs = (List<Map<String, Object>>) sc.get("param_groups");
        if (gs == null || gs.size() != groups.size()) {
            throw new IllegalArgumentException("optimizer state has " + (gs == null ? 0 : gs.size()) + " parameter groups, this optimizer " + groups.size());
        }
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            List<String> names = new ArrayList<>(groups.get(i).params().keySet());
            if (!names.equals(gs.get(i).get("params"))) {
                throw new IllegalArgumentException("parameter group " + i + " holds " + gs.get(i).get("params") + " in the state but " + names + " here");
            }
            byName.putAll(groups.get(i).params());
        }
        Map<String, Object> steps = (Map<String, Object>) sc.get("steps");
        Map<Tensor, ParamState> fresh = new IdentityHashMap<>();
        for (var e : steps.entrySet()) fresh.computeIfAbsent(byName.get(e.getKey()), k -> new ParamState()).step = ((Number) e.getValue()).longValue();
        for (var e : st.tensors().entrySet()) {
            int slash = e.getKey().lastIndexOf('/');
            String pn = slash < 0 ? null : e.getKey().substring(0, slash);
            Tensor p = byName.get(pn);
            if (p == null || !fresh.containsKey(p)) throw new IllegalArgumentException("optimizer state tensor '" + e.getKey() + "' belongs to no known parameter");
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("optimizer state tensor '" + e.getKey() + "' has shape " + Arrays.toString(e.getValue().shape())
                        + " but the parameter has " + Arrays.toString(p.shape()));
            }
            fresh.get(p).buffers.put(e.getKey().substring(slash + 1), e.getValue().contiguousCopy());
        }
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).lr = ((Number) gs.get(i).get("lr")).doubleValue();
            groups.get(i).initialLr = ((Number) gs.get(i).get("initial_lr")).doubleValue();
            groups.get(i).weightDecay = ((Number) gs.get(i).get("weight_decay")).doubleValue();
        }
        state.clear();
        state.putAll(fresh);
    }
}
