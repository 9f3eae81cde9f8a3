package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;

import java.util.Arrays;

/**
 * Layer normalization over the trailing {@code normalizedShape} dims, as one fused kernel each way. Forward
 * saves the per-row mean and rstd = 1/sqrt(var + eps); backward reads only those, x and the weight (llm.c's
 * {@code layernorm_forward}/{@code layernorm_backward} split).
 */
public final class Norms {
    private Norms() {}

    /**
     * x: [..., *normalizedShape]; weight, bias: normalizedShape or null. Returns x's shape.
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        Support.requireFloat("layerNorm", x, weight, bias);
        int[] xs = x.shape();
        int k = normalizedShape.length;
        boolean ok = k >= 1 && k <= xs.length
                && Arrays.equals(Arrays.copyOfRange(xs, xs.length - k, xs.length), normalizedShape);
        if (!ok) {
            throw new IllegalArgumentException("layerNorm: normalized shape " + Support.str(normalizedShape)
                    + " does not match the trailing dims of input of shape " + Support.str(xs));
        }
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && !Arrays.equals(p.shape(), normalizedShape)) {
                throw new IllegalArgumentException("layerNorm: weight/bias of shape " + Support.str(p.shape())
                        + " does not match normalized shape " + Support.str(normalizedShape));
            }
        }
        Backend be = Support.backend("layerNorm", x, weight, bias);
        int cols = Support.prod(normalizedShape, 0, k);
        int rows = x.numel() / Math.max(cols, 1);
        Tensor xc = Views.copyDetachedIfNeeded(x.detach());     // [rows, cols] in memory
        Tensor w = weight == null ? null : Views.copyDetachedIfNeeded(weight.detach());
        Tensor b = bias == null ? null : Views.copyDetachedIfNeeded(bias.detach());
        Tensor out = Support.empty(be, DType.FLOAT32, xs);
        Tensor mean = Support.empty(be, DType.FLOAT32, rows), rstd = Support.empty(be, DType.FLOAT32, rows);
        be.layerNorm(xc.storage(), w == null ? null : w.storage(), b == null ? null : b.storage(),
                rows, cols, eps, out.storage(), mean.storage(), rstd.storage());
        Saved sx = Saved.of(xc, "layerNorm"), sw = w == null ? null : Saved.of(w, "layerNorm");
        return Autograd.record("NativeLayerNormBackward0", out, new Tensor[] {x, weight, bias}, g -> {
            Tensor dy = Views.copyDetachedIfNeeded(g);
            Tensor dx = Support.empty(be, DType.FLOAT32, xs);
            Tensor dw = weight != null && weight.requiresGrad() ? Support.empty(be, DType.FLOAT32, normalizedShape) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Support.empty(be, DType.FLOAT32, normalizedShape) : null;
            be.layerNormBackward(sx.get().storage(), sw == null ? null : sw.get().storage(), mean.storage(), rstd.storage(),
                    dy.storage(), rows, cols, dx.storage(), dw == null ? null : dw.storage(), db == null ? null : db.storage());
            return new Tensor[] {dx, dw, db};
        });
    }
}
