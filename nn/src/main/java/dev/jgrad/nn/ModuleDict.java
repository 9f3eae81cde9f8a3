package dev.jgrad.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Submodules by name, in insertion order, as {@code torch.nn.ModuleDict}. Keys must not contain dots. */
public class ModuleDict<M extends Module> extends Module {
    private final Map<String, M> items = new LinkedHashMap<>();

    /** Adds a module under {@code key}; returns this. */
    public ModuleDict<M> put(String key, M m) {
        registerModule(key, m);
        items.put(key, m);
        return this;
    }

    public M get(String key) {
        M m = items.get(key);
        if (m == null) throw new IllegalArgumentException("no module '" + key + "' in ModuleDict; keys are " + items.keySet());
        return m;
    }

    public boolean containsKey(String key) { return items.containsKey(key); }
    public int size() { return items.size(); }

    /** Read-only view, in insertion order. */
    public Map<String, M> asMap() { return Collections.unmodifiableMap(items); }
}
