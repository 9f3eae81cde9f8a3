package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.ops.Optim;

import java.util.List;
import java.util.Map;

/**
 * Adam as {@code torch.optim.Adam} (L2 weight decay added to the gradient, optional AMSGrad), and the base of
 * {@link AdamW}, which decays the weights directly instead.
 */
public class Adam extends Optimizer {
    protected final double beta1, beta2, eps;
    protected final boolean amsgrad;
    private final boolean decoupled;

    Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
         boolean amsgrad, boolean decoupled) {
        super(groups, lr, weightDecay);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be ≥ 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
    }

    public Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8, 0, false, false);
    }

    /**
     * One Adam/AdamW step (PyTorch's single-tensor algorithm): m ← β1·m + (1−β1)·g,
     * v ← β2·v + (1−β2)·g², p ← p − lr/(1−β1ᵗ) · m / (√v̂/√(1−β2ᵗ) + eps), with v̂ = v or its running max.
     */
    @Override
    protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        double lr = group.lr, wd = group.weightDecay;
        if (!amsgrad && (decoupled || wd == 0) && p.isWholeStorage()) {
            // the same update as below in one fused pass over p, g, m and v: the composite form allocates eight
            // parameter-sized temporaries per step (a quarter of a W2 training step's allocations)
            Optim.adamwStep(p, grad, s.buffer("exp_avg", p), s.buffer("exp_avg_sq", p), (float) lr, (float) beta1,
                    (float) beta2, (float) eps, (float) wd, Math.toIntExact(s.step));
            return;
        }
        if (wd != 0) {
            if (decoupled) p.mul_((float) (1 - lr * wd));
            else grad = grad.add(p.detach().mul((float) wd));
        }
        Tensor m = s.buffer("exp_avg", p), v = s.buffer("exp_avg_sq", p);
        m.mul_((float) beta1).add_(grad, (float) (1 - beta1));
        v.mul_((float) beta2).add_(grad.mul(grad), (float) (1 - beta2));
        double bc1 = 1 - Math.pow(beta1, s.step), bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, s.step));
        Tensor vHat = v;
        if (amsgrad) {
            Tensor vMax = s.buffer("max_exp_avg_sq", p);
            vHat = vMax.copy_(vMax.maximum(v));
        }
        Tensor denom = vHat.sqrt().div((float) bc2Sqrt).add((float) eps);
        p.add_(m.div(denom), (float) (-lr / bc1));
    }

    @Override
    protected Map<String, Object> hyperparameters() {
        return Map.of("beta1", beta1, "beta2", beta2, "eps", eps, "amsgrad", amsgrad);
    }
}
