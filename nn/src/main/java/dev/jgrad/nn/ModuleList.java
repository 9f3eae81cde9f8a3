package dev.jgrad.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of submodules named "0", "1", ..., as {@code torch.nn.ModuleList}: a field
 * {@code layer = registerModule("layer", new ModuleList<>())} yields HF names like {@code layer.3.output.dense.weight}.
 */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    @SafeVarargs
    public ModuleList(M... modules) {
        for (M m : modules) add(m);
    }

    /** Appends a module; returns this. */
    public ModuleList<M> add(M m) {
        registerModule(String.valueOf(items.size()), m);
        items.add(m);
        return this;
    }

    public M get(int i) { return items.get(i); }
    public int size() { return items.size(); }

    @Override
    public Iterator<M> iterator() { return Collections.unmodifiableList(items).iterator(); }
}
