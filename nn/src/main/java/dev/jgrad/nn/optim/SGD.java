package dev.jgrad.nn.optim;

import dev.jgrad.engine.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD}: optional momentum (buffer started at the first
 * gradient), dampening, Nesterov momentum and L2 weight decay added to the gradient.
 */
public final class SGD extends Optimizer {
    private final double momentum, dampening;
    private final boolean nesterov;

    public SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(groups, lr, weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /** Plain SGD. */
    public SGD(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0, 0, 0, false);
    }

    @Override
    protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        Tensor d = grad;
        if (group.weightDecay != 0) d = d.add(p.detach().mul((float) group.weightDecay));
        if (momentum != 0) {
            Tensor buf = s.buffers.get("momentum_buffer");
            if (buf == null) {
                buf = d.contiguousCopy();
                s.buffers.put("momentum_buffer", buf);
            } else {
                buf.mul_((float) momentum).add_(d, (float) (1 - dampening));
            }
            d = nesterov ? d.add(buf.mul((float) momentum)) : buf;
        }
        p.add_(d, (float) -group.lr);
    }

    @Override
    protected Map<String, Object> hyperparameters() {
        return Map.of("momentum", momentum, "dampening", dampening, "nesterov", nesterov);
    }
}
