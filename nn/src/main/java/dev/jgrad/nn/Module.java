package dev.jgrad.nn;

import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Base class of every layer and model, after {@code torch.nn.Module}.
 *
 * <p>A module owns <em>parameters</em> (float32 leaf tensors with {@code requiresGrad(true)}), <em>buffers</em>
 * (state that is saved but not trained, e.g. running statistics) and <em>submodules</em>, each registered under
 * a name. Names compose with dots, so a model built as
 * {@code encoder → layer (ModuleList) → 0 → attention → self → query (Linear)} exposes
 * {@code encoder.layer.0.attention.self.query.weight}, exactly the key a Hugging Face checkpoint uses. Choosing
 * the field names of a model to match its reference implementation is therefore all it takes to load its files.
 *
 * <p>Registration order is preserved everywhere (parameters, state dicts, optimizer groups), as in PyTorch.
 * A parameter slot may hold {@code null} (e.g. {@code Linear} without bias); it is then skipped.
 *
 * <p>Modules with one tensor input override {@link #forward(Tensor)}; others define their own forward methods.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new LinkedHashSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** y = f(x) for modules with a single tensor input. */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no single-tensor forward");
    }

    // ---------------------------------------------------------------- registration

    private void checkName(String kind, String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(kind + " name must be non-empty and contain no '.', got '" + name + "'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in this module");
        }
    }

    /** Registers {@code tensor} (or null, an absent optional parameter) as a trainable parameter; returns it. */
    protected Tensor registerParameter(String name, Tensor tensor) {
        checkName("parameter", name);
        if (tensor != null) {
            if (!tensor.isLeaf()) throw new IllegalArgumentException("parameter '" + name + "' must be a leaf tensor (use detach())");
            tensor.requiresGrad(true);
        }
        params.put(name, tensor);
        return tensor;
    }

    /** Registers a buffer, saved in the state dict unless {@code persistent} is false; returns it. */
    protected Tensor registerBuffer(String name, Tensor tensor, boolean persistent) {
        checkName("buffer", name);
        buffers.put(name, tensor);
        if (!persistent) nonPersistent.add(name);
        return tensor;
    }

    /** Registers a persistent buffer. */
    protected Tensor registerBuffer(String name, Tensor tensor) {
        return registerBuffer(name, tensor, true);
    }

    /** Registers a submodule; returns it. */
    protected <M extends Module> M registerModule(String name, M module) {
        checkName("module", name);
        children.put(name, module);
        return module;
    }

    /** Replaces the value of an already registered buffer (e.g. a recomputed cache). */
    protected void setBuffer(String name, Tensor tensor) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException("no buffer named '" + name + "'");
        buffers.put(name, tensor);
    }

    // ---------------------------------------------------------------- traversal

    /** Direct submodules by name. */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module ("") and every descendant, by dotted name, in registration order. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out) {
        out.put(prefix, m);
        for (var e : m.children.entrySet()) {
            if (e.getValue() != null) collectModules(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
        }
    }

    /** The descendant at a dotted path, e.g. {@code "encoder.layer.0"}. */
    public Module getSubmodule(String path) {
        Module m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.")) {
            Module next = m.children.get(part);
            if (next == null) throw new IllegalArgumentException("no submodule '" + part + "' in path '" + path + "'");
            m = next;
        }
        return m;
    }

    /** Every non-null parameter with its dotted name, in registration order (shared tensors listed once). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (var m : namedModules().entrySet()) {
            for (var p : m.getValue().params.entrySet()) {
                if (p.getValue() != null && seen.add(p.getValue())) out.put(join(m.getKey(), p.getKey()), p.getValue());
            }
        }
        return out;
    }

    /** Every parameter, in registration order. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every non-null buffer with its dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            for (var b : m.getValue().buffers.entrySet()) {
                if (b.getValue() != null) out.put(join(m.getKey(), b.getKey()), b.getValue());
            }
        }
        return out;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** Calls {@code fn} on every module, children first, then this one (PyTorch's {@code apply}). */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) if (c != null) c.apply(fn);
        fn.accept(this);
        return this;
    }

    // ---------------------------------------------------------------- modes

    /** Sets training mode on this module and all descendants; returns this. */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) m.training = mode;
        return this;
    }

    public Module train() { return train(true); }
    public Module eval() { return train(false); }
    public boolean isTraining() { return training; }

    // ---------------------------------------------------------------- gradients and freezing

    /** Clears every parameter's gradient (sets it to null, PyTorch's {@code set_to_none=True}). */
    public void zeroGrad() {
        for (Tensor p : parameters()) p.setGrad(null);
    }

    /** Stops training all parameters of this module (and its descendants); returns this. */
    public Module freeze() { return setRequiresGrad(true, n -> true, false); }

    /** Trains all parameters again; returns this. */
    public Module unfreeze() { return setRequiresGrad(true, n -> true, true); }

    /**
     * Freezes the parameters whose dotted name matches {@code glob}, where {@code *} matches any run of
     * characters (dots included) and {@code ?} one character: {@code "embeddings.*"},
     * {@code "encoder.layer.?.*"}, {@code "*.bias"}. Fails if nothing matches, since a typo would otherwise
     * silently train everything.
     */
    public Module freeze(String glob) { return setRequiresGrad(false, globPredicate(glob), false, glob); }

    /** Unfreezes the parameters matching {@code glob}; see {@link #freeze(String)}. */
    public Module unfreeze(String glob) { return setRequiresGrad(false, globPredicate(glob), true, glob); }

    /** Sets requiresGrad on parameters whose dotted name satisfies {@code names}; returns this. */
    public Module setRequiresGrad(Predicate<String> names, boolean requiresGrad) {
        return setRequiresGrad(true, names, requiresGrad);
    }

    private Module setRequiresGrad(boolean allowNone, Predicate<String> names, boolean value) {
        return setRequiresGrad(allowNone, names, value, null);
    }

    private Module setRequiresGrad(boolean allowNone, Predicate<String> names, boolean value, String what) {
        int n = 0;
        for (var e : namedParameters().entrySet()) {
            if (names.test(e.getKey())) {
                e.getValue().requiresGrad(value);
                if (!value) e.getValue().setGrad(null);
                n++;
            }
        }
        if (n == 0 && !allowNone) {
            throw new IllegalArgumentException("pattern '" + what + "' matches no parameter; names look like "
                    + namedParameters().keySet().stream().limit(3).toList());
        }
        return this;
    }

    static Predicate<String> globPredicate(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') re.append(".*");
            else if (c == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(c)));
        }
        Pattern p = Pattern.compile(re.toString());
        return s -> p.matcher(s).matches();
    }

    /** Parameter element counts: trainable (requiring grad) and total. */
    public record ParameterCount(long trainable, long total) {
        @Override
        public String toString() {
            return String.format("%,d trainable / %,d total parameters", trainable, total);
        }
    }

    /** Counts parameter elements, trainable and total. */
    public ParameterCount parameterCount() {
        long t = 0, all = 0;
        for (Tensor p : parameters()) {
            all += p.numel();
            if (p.requiresGrad()) t += p.numel();
        }
        return new ParameterCount(t, all);
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Parameters and persistent buffers by dotted name, in registration order. The tensors are the live ones
     * (not copies), as in PyTorch; copy them if they must not change.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            Module mod = m.getValue();
            for (var p : mod.params.entrySet()) if (p.getValue() != null) out.putIfAbsent(join(m.getKey(), p.getKey()), p.getValue());
            for (var b : mod.buffers.entrySet()) {
                if (b.getValue() != null && !mod.nonPersistent.contains(b.getKey())) out.put(join(m.getKey(), b.getKey()), b.getValue());
            }
        }
        return out;
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, in place (so an optimizer
     * holding the parameters keeps working). Values are converted to each destination's dtype.
     *
     * <p>Nothing is written unless every matching key has the right shape; when {@code strict}, missing or
     * unexpected keys also abort the load. Either way the returned report lists the missing, unexpected and
     * mis-shaped keys; a non-strict load copies every key that matches in name and shape.
     *
     * @throws StateDictException when strict and the report is not clean, or when any shape differs
     */
    public LoadReport loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        List<LoadReport.Mismatch> mismatched = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                mismatched.add(new LoadReport.Mismatch(e.getKey(), e.getValue().shape(), src.shape()));
            }
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        LoadReport report = new LoadReport(missing, unexpected, mismatched);
        if (!mismatched.isEmpty() || (strict && !report.isClean())) {
            throw new StateDictException("loadStateDict for " + getClass().getSimpleName() + " failed, nothing was loaded: " + report, report);
        }
        try (var scope = GradMode.noGrad()) {
            for (var e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) e.getValue().copy_(src.dtype() == e.getValue().dtype() ? src : src.to(e.getValue().dtype()));
            }
        }
        return report;
    }

    /** Strict {@link #loadStateDict(Map, boolean)}. */
    public LoadReport loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            for (var e : children.entrySet()) {
                String inner = String.valueOf(e.getValue()).replace("\n", "\n  ");
                sb.append("  (").append(e.getKey()).append("): ").append(inner).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    /** Extra text for {@link #toString()}, e.g. {@code in_features=4, out_features=2}. */
    protected String extraRepr() { return ""; }
}
