package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share a learning rate and weight decay, as one entry of PyTorch's {@code param_groups}.
 * Each parameter has a name (its dotted module name, or its index for anonymous lists) under which its
 * optimizer state is saved. {@code lr} is what schedules change; {@code initialLr} is their base.
 * A NaN lr or weight decay means "the optimizer's default", filled in when the optimizer is built.
 */
public final class ParamGroup {
    private final Map<String, Tensor> params;
    double lr, weightDecay, initialLr;

    public ParamGroup(Map<String, Tensor> namedParams, double lr, double weightDecay) {
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(namedParams));
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.initialLr = lr;
    }

    /** A group using the optimizer's default lr and weight decay. */
    public ParamGroup(Map<String, Tensor> namedParams) {
        this(namedParams, Double.NaN, Double.NaN);
    }

    /** Anonymous parameters, named "0", "1", ... as in PyTorch's state dicts. */
    public static ParamGroup of(List<Tensor> params) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) m.put(String.valueOf(i), params.get(i));
        return new ParamGroup(m);
    }

    /** One group holding every trainable parameter of {@code model}, under its dotted name. */
    public static List<ParamGroup> all(Module model) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> { if (v.requiresGrad()) m.put(k, v); });
        return List.of(new ParamGroup(m));
    }

    /** One group of anonymous parameters; see {@link #of(List)}. */
    public static List<ParamGroup> single(List<Tensor> params) {
        return List.of(of(params));
    }

    /**
     * The usual transformer split: parameters with at least 2 dims (matmul weights, embeddings) decay with
     * {@code weightDecay}; biases and norm weights (1-D) do not, since decaying them only hurts. Frozen
     * parameters are left out.
     */
    public static List<ParamGroup> decayAndNoDecay(Module model, double weightDecay) {
        Map<String, Tensor> decay = new LinkedHashMap<>(), noDecay = new LinkedHashMap<>();
        for (var e : model.namedParameters().entrySet()) {
            if (!e.getValue().requiresGrad()) continue;
            (e.getValue().dim() >= 2 ? decay : noDecay).put(e.getKey(), e.getValue());
        }
        List<ParamGroup> groups = new ArrayList<>();
        groups.add(new ParamGroup(decay, Double.NaN, weightDecay));
        groups.add(new ParamGroup(noDecay, Double.NaN, 0.0));
        return groups;
    }

    /** Parameters by name, in order. */
    public Map<String, Tensor> params() { return params; }
    public double lr() { return lr; }
    public void setLr(double lr) { this.lr = lr; }
    public double weightDecay() { return weightDecay; }
    public void setWeightDecay(double wd) { this.weightDecay = wd; }
    /** The lr the group started with; schedules multiply it. */
    public double initialLr() { return initialLr; }
}
