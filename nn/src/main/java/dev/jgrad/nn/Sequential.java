package dev.jgrad.nn;

import dev.jgrad.engine.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Modules applied in order, named "0", "1", ... as in {@code torch.nn.Sequential}. */
public class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a module; returns this. */
    public Sequential add(Module m) {
        registerModule(String.valueOf(layers.size()), m);
        layers.add(m);
        return this;
    }

    public Module get(int i) { return layers.get(i); }
    public int size() { return layers.size(); }

    /** Feeds x through each module's {@link Module#forward(Tensor)} in turn. */
    @Override
    public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
