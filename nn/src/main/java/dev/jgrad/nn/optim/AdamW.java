package dev.jgrad.nn.optim;

import java.util.List;

/**
 * AdamW as {@code torch.optim.AdamW}: Adam whose weight decay shrinks the weights directly,
 * p ← p·(1 − lr·wd), instead of entering the gradient (Loshchilov &amp; Hutter's decoupled decay).
 */
public final class AdamW extends Adam {
    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        super(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }
}
