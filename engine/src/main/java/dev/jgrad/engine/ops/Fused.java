package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.UnaryOp;

/**
 * Ops that fuse several steps into one kernel call. {@link #linear} is {@code act(x·Wᵀ + b)} as one GEMM whose
 * epilogue adds the bias and applies the activation while each output tile is still in cache.
 */
public final class Fused {
    private Fused() {}

    /**
     * PyTorch's {@code F.linear} followed by an optional activation: {@code act(x · weightᵀ + bias)}.
     *
     * @param x          [..., in]
     * @param weight     [out, in], read transposed through strides (never copied)
     * @param bias       [out] or null
     * @param activation null, RELU, GELU_ERF, GELU_TANH or SILU
     * @return [..., out]
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias, UnaryOp activation) {
        Support.requireFloat("linear", x, weight, bias);
        UnaryOp actGrad = activationGradient(activation);
        if (x.dim() < 1 || weight.dim() != 2 || x.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException("linear: input of shape " + Support.str(x.shape()) + " and weight of shape "
                    + Support.str(weight.shape()) + " do not match (weight must be [out, in] with in = the input's last dim)");
        }
        int in = weight.size(1), out = weight.size(0);
        if (bias != null && (bias.dim() != 1 || bias.size(0) != out)) {
            throw new IllegalArgumentException("linear: bias of shape " + Support.str(bias.shape()) + " does not match " + out + " outputs");
        }
        Backend be = Support.backend("linear", x, weight, bias);
        int[] xs = x.shape();
        int[] ys = xs.clone();
        ys[ys.length - 1] = out;
        Tensor x2 = Views.copyDetachedIfNeeded(x.detach()).reshape(-1, in);
        Tensor b = bias == null ? null : Views.copyDetachedIfNeeded(bias.detach());
        int rows = x2.size(0);

        boolean needGrad = GradMode.isEnabled() && (x.requiresGrad() || weight.requiresGrad() || (bias != null && bias.requiresGrad()));
        // Training with an activation keeps the pre-activation z for act'(z): the GEMM fuses only the bias then.
        boolean keepZ = needGrad && activation != null;
        Tensor z = Support.empty(be, DType.FLOAT32, rows, out);
        Gemm g = new Gemm(1, rows, out, in,
                x2.storage(), 0, 0, in, 1,
                weight.storage(), weight.offset(), 0, weight.strides()[1], weight.strides()[0],  // B = Wᵀ
                z.storage(), 0, 0, out, false)
                .withEpilogue(b == null ? null : b.storage(), keepZ ? null : activation);
        be.gemm(g);
        Tensor y = keepZ ? Elementwise.unaryRaw("linear", activation, 0f, 0f, z) : z;
        y = y.reshape(ys);
        if (!needGrad) return y;

        Saved sx = Saved.of(x2, "linear"), sw = Saved.of(weight, "linear");
        Tensor zSaved = z;
        return Autograd.record("LinearBackward0", y, new Tensor[] {x, weight, bias}, gy -> {
            Tensor dz = Views.copyDetachedIfNeeded(gy).reshape(rows, out);
            if (activation != null) { // dz = gy·act'(z), multiplied into the fresh act'(z) buffer (one allocation)
                Tensor dAct = Elementwise.unaryRaw("linear", actGrad, 0f, 0f, zSaved);
                dz = dAct.mul_(dz);
            }
            return new Tensor[] {
                    x.requiresGrad() ? Matmul.product(dz, sw.get()).reshape(xs) : null,          // dx = dz · W
                    weight.requiresGrad() ? Matmul.product(dz.mT(), sx.get()) : null,            // dW = dzᵀ · x
                    bias != null && bias.requiresGrad() ? Reduce.sum(dz, new int[] {0}, false) : null}; // db = Σ_rows dz
        });
    }

    /** The derivative op of a supported activation (null for none); anything else is an error. */
    private static UnaryOp activationGradient(UnaryOp activation) {
        if (activation == null) return null;
        return switch (activation) {
            case RELU -> UnaryOp.RELU_GRAD;
            case GELU_ERF -> UnaryOp.GELU_ERF_GRAD;
            case GELU_TANH -> UnaryOp.GELU_TANH_GRAD;
            case SILU -> UnaryOp.SILU_GRAD;
            default -> throw new IllegalArgumentException("linear: activation must be null, RELU, GELU_ERF, GELU_TANH or SILU, got " + activation);
        };
    }
}
