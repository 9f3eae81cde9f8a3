package dev.jgrad.nn;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Tensor;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dims, as {@code torch.nn.LayerNorm}:
 * {@code weight} (ones) and {@code bias} (zeros) of that shape when {@code elementwiseAffine}.
 */
public class LayerNorm extends Module {
    public final int[] normalizedShape;
    public final float eps;
    public final Tensor weight, bias;

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine, boolean bias) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : null);
        this.bias = registerParameter("bias", elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : null);
    }

    /** Over the last dim of size {@code dim}, eps 1e-5, with weight and bias. */
    public LayerNorm(int dim) {
        this(new int[] {dim}, 1e-5f, true, true);
    }

    /** Over the last dim, with the given eps (BERT uses 1e-12). */
    public LayerNorm(int dim, float eps) {
        this(new int[] {dim}, eps, true, true);
    }

    /** x: [..., *normalizedShape] → same shape. */
    @Override
    public Tensor forward(Tensor x) {
        return F.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        return java.util.Arrays.toString(normalizedShape) + ", eps=" + eps + ", elementwise_affine=" + (weight != null);
    }
}
