package dev.jgrad.nn;

import dev.jgrad.engine.Tensor;

/** Activation modules (no parameters), usable in {@link Sequential}. All map any shape to the same shape. */
public final class Activations {
    private Activations() {}

    /** GELU, exact (erf) by default; {@code tanhApprox} is PyTorch's {@code approximate='tanh'} (GPT-2's gelu_new). */
    public static final class GELU extends Module {
        private final boolean tanhApprox;

        public GELU() { this(false); }
        public GELU(boolean tanhApprox) { this.tanhApprox = tanhApprox; }

        @Override public Tensor forward(Tensor x) { return x.gelu(tanhApprox); }
        @Override protected String extraRepr() { return tanhApprox ? "approximate='tanh'" : ""; }
    }

    public static final class ReLU extends Module {
        @Override public Tensor forward(Tensor x) { return x.relu(); }
    }

    /** x·σ(x), a.k.a. swish. */
    public static final class SiLU extends Module {
        @Override public Tensor forward(Tensor x) { return x.silu(); }
    }

    public static final class Tanh extends Module {
        @Override public Tensor forward(Tensor x) { return x.tanh(); }
    }

    public static final class Sigmoid extends Module {
        @Override public Tensor forward(Tensor x) { return x.sigmoid(); }
    }
}
