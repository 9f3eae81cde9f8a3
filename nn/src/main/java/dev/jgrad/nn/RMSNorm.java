package dev.jgrad.nn;

import dev.jgrad.engine.Tensor;

/**
 * Root-mean-square normalisation over the last dim, as {@code torch.nn.RMSNorm} and Llama's
 * {@code LlamaRMSNorm}: y = x / √(mean(x²) + eps) · weight, with {@code weight} [dim] starting at ones.
 * Composed of tensor ops, so autograd comes for free.
 */
public class RMSNorm extends Module {
    public final int dim;
    public final float eps;
    /** Null without elementwise affine. */
    public final Tensor weight;

    public RMSNorm(int dim, float eps, boolean elementwiseAffine) {
        this.dim = dim;
        this.eps = eps;
        this.weight = registerParameter("weight", elementwiseAffine ? Tensor.ones(dim) : null);
    }

    /** eps 1e-6 (Llama's default), with weight. */
    public RMSNorm(int dim) {
        this(dim, 1e-6f, true);
    }

    /** x: [..., dim] → same shape. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != dim) {
            throw new IllegalArgumentException("RMSNorm(" + dim + "): input of shape " + java.util.Arrays.toString(x.shape())
                    + " must end in " + dim);
        }
        Tensor y = x.mul(x.mul(x).mean(-1, true).add(eps).rsqrt());
        return weight == null ? y : y.mul(weight);
    }

    @Override
    protected String extraRepr() {
        return dim + ", eps=" + eps;
    }
}
