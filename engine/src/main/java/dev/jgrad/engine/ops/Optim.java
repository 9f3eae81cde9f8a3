package dev.jgrad.engine.ops;

import dev.jgrad.engine.Tensor;

import java.util.Arrays;

/**
 * Fused optimizer updates for {@code dev.jgrad.nn}'s optimizers. They write parameters and optimizer state in
 * place and are never recorded (an optimizer step is not part of any graph), but they bump the storage
 * versions so that a graph that saved the old values fails loudly if it is used afterwards.
 */
public final class Optim {
    private Optim() {}

    /**
     * One AdamW step (PyTorch's {@code torch.optim.AdamW}, no amsgrad) on {@code param} with gradient {@code grad}
     * and state {@code m} (first moment), {@code v} (second moment), all of the same shape.
     *
     * @param step the 1-based step number t, for the bias corrections 1 − β^t
     */
    public static void adamwStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                 float eps, float weightDecay, int step) {
        if (step < 1) throw new IllegalArgumentException("adamwStep: step must be >= 1, got " + step);
        Support.requireFloat("adamwStep", param, grad, m, v);
        for (Tensor t : new Tensor[] {grad, m, v}) {
            if (!Arrays.equals(t.shape(), param.shape())) {
                throw new IllegalArgumentException("adamwStep: param of shape " + Support.str(param.shape())
                        + " and grad/state of shape " + Support.str(t.shape()) + " differ");
            }
        }
        for (Tensor t : new Tensor[] {param, m, v}) {
            if (!t.isWholeStorage()) {
                throw new IllegalArgumentException("adamwStep: param and optimizer state must be whole contiguous tensors "
                        + "(they are updated in place), got shape " + Support.str(t.shape()) + " with strides "
                        + Support.str(t.strides()) + " and offset " + t.offset());
            }
        }
        if (param.storage() == m.storage() || param.storage() == v.storage() || m.storage() == v.storage()) {
            throw new IllegalArgumentException("adamwStep: param, m and v must not share storage");
        }
        Tensor g = Views.copyDetachedIfNeeded(grad.detach());
        float bias1 = (float) (1.0 - Math.pow(beta1, step)), bias2 = (float) (1.0 - Math.pow(beta2, step));
        Support.backend("adamwStep", param, g, m, v).adamw(param.storage(), g.storage(), m.storage(), v.storage(),
                param.numel(), lr, beta1, beta2, eps, weightDecay, bias1, bias2);
        param.storage().bumpVersion();
        m.storage().bumpVersion();
        v.storage().bumpVersion();
    }
}
