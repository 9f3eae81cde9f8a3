package dev.jgrad.nn;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.ops.Fused;
import dev.jgrad.nn.init.Init;

/**
 * y = x·Wᵀ + b, as {@code torch.nn.Linear}. Parameters: {@code weight} [out, in] and, if enabled, {@code bias}
 * [out], initialised like PyTorch (U(±1/√in) for both).
 */
public class Linear extends Module {
    public final int inFeatures, outFeatures;
    public final Tensor weight;
    /** Null when built without bias. */
    public final Tensor bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, Generator gen) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));
        this.bias = registerParameter("bias", bias ? Tensor.zeros(outFeatures) : null);
        Init.linearDefault_(weight, this.bias, gen);
    }

    /** With bias. */
    public Linear(int inFeatures, int outFeatures, Generator gen) {
        this(inFeatures, outFeatures, true, gen);
    }

    /** x: [..., in] → [..., out]. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + " → " + outFeatures + "): input of shape "
                    + java.util.Arrays.toString(x.shape()) + " must end in " + inFeatures);
        }
        // One GEMM whose epilogue adds the bias while each output tile is in cache (and a gradient-checked backward).
        return Fused.linear(x, weight, bias, null);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null);
    }
}
