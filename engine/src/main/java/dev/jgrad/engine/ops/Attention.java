package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.AttentionShape;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Layout;

/**
 * Scaled dot-product attention, PyTorch's {@code F.scaled_dot_product_attention}:
 * {@code softmax(q·kᵀ·scale + mask)·v}, with two implementations that compute the same thing.
 *
 * <ul>
 *   <li>{@link Impl#MATH}: the composition of matmul, mask, softmax, dropout and matmul. It stores the
 *       [Tq, Tk] weights and gets its gradient from the primitives. Needed for attention dropout.</li>
 *   <li>{@link Impl#FUSED}: the backend's tiled kernel with an online softmax (FlashAttention's algorithm):
 *       memory O(T) instead of O(T²), and a hand-written backward that recomputes the weights.</li>
 * </ul>
 * {@link Impl#AUTO} chooses by measurement. On the CPU the math path is faster at every length we measured
 * (W6 shapes, B 16, H 4, head dim 64, 2 threads: forward 9.1 vs 11.7 ms at T = 128, 68 vs 165 ms at T = 512;
 * with gradients the gap is wider, since the fused backward recomputes the weights): its two products run on
 * the packed GEMM, while the fused kernel's products are row-by-block. So AUTO takes the fused kernel only
 * where the math path would have to hold a weight matrix larger than {@link #FUSED_MIN_WEIGHT_BYTES}: there
 * the fused kernel's O(T) memory is what makes the call possible at all.
 */
public final class Attention {
    private Attention() {}

    /** Which implementation to run. */
    public enum Impl { AUTO, MATH, FUSED }

    /** Size of the [B, H, Tq, Tk] weight matrix from which AUTO switches to the fused kernel (1 GiB). */
    public static final long FUSED_MIN_WEIGHT_BYTES = 1L << 30;

    /**
     * Options beyond q, k, v.
     *
     * @param mask     bool (true = may attend, PyTorch's convention) or float (added to the scores), broadcastable
     *                 to [B, H, Tq, Tk]; null for none
     * @param causal   mask keys after the query (aligned bottom-right when Tq ≠ Tk, see {@link AttentionShape})
     * @param dropoutP dropout on the attention weights (only when {@code gen} is non-null, i.e. training)
     * @param scale    the factor on q·kᵀ; NaN means 1/sqrt(D)
     */
    public record Options(Tensor mask, boolean causal, float dropoutP, Generator gen, float scale, Impl impl) {
        /** No mask, no dropout, default scale, automatic choice. */
        public static final Options DEFAULT = new Options(null, false, 0f, null, Float.NaN, Impl.AUTO);

        public Options withMask(Tensor m) { return new Options(m, causal, dropoutP, gen, scale, impl); }
        public Options withCausal(boolean c) { return new Options(mask, c, dropoutP, gen, scale, impl); }
        public Options withDropout(float p, Generator g) { return new Options(mask, causal, p, g, scale, impl); }
        public Options withScale(float s) { return new Options(mask, causal, dropoutP, gen, s, impl); }
        public Options withImpl(Impl i) { return new Options(mask, causal, dropoutP, gen, scale, i); }

        boolean dropoutActive() {
            return dropoutP > 0f && gen != null;
        }
    }

    /**
     * q: [B, H, Tq, D] (or [N, Tq, D]), k: [B, Hkv, Tk, D], v: [B, Hkv, Tk, Dv] → [B, H, Tq, Dv]. Hkv may divide H
     * (grouped-query attention): each group of H/Hkv query heads shares one key/value head.
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Options o) {
        Support.requireFloat("scaledDotProduct", q, k, v);
        if (q.dim() == 3) { // [N, T, D]: one head
            return scaledDotProduct(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1), o).squeeze(1);
        }
        if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) {
            throw new IllegalArgumentException("scaledDotProduct: q, k, v must be 4-D [B, H, T, D] (or 3-D), got "
                    + Support.str(q.shape()) + ", " + Support.str(k.shape()) + ", " + Support.str(v.shape()));
        }
        int b = q.size(0), h = q.size(1), d = q.size(3), hk = k.size(1), tk = k.size(2);
        if (k.size(0) != b || v.size(0) != b || k.size(3) != d || v.size(1) != hk || v.size(2) != tk || hk == 0 || h % hk != 0) {
            throw new IllegalArgumentException("scaledDotProduct: incompatible shapes q " + Support.str(q.shape())
                    + ", k " + Support.str(k.shape()) + ", v " + Support.str(v.shape()));
        }
        if (hk != h) { // grouped-query attention: repeat each key/value head for its group of query heads
            k = repeatHeads(k, h / hk);
            v = repeatHeads(v, h / hk);
        }
        float scale = Float.isNaN(o.scale) ? (float) (1.0 / Math.sqrt(d)) : o.scale;
        boolean fusedOk = !o.dropoutActive() && (o.mask == null || !o.mask.requiresGrad());
        Impl impl = o.impl;
        if (impl == Impl.FUSED && !fusedOk) {
            throw new IllegalArgumentException("scaledDotProduct: the fused kernel supports neither attention dropout "
                    + "nor a mask that requires grad; use Impl.MATH or AUTO");
        }
        long weightBytes = 4L * b * h * q.size(2) * tk;
        if (impl == Impl.AUTO) impl = fusedOk && weightBytes >= FUSED_MIN_WEIGHT_BYTES ? Impl.FUSED : Impl.MATH;
        return impl == Impl.FUSED ? fused(q, k, v, o.mask, o.causal, scale) : math(q, k, v, o, scale);
    }

    /** [B, Hkv, T, D] → [B, Hkv·g, T, D], each head repeated g times in place (kv head j serves q heads j·g ..). */
    static Tensor repeatHeads(Tensor x, int g) {
        int[] s = x.shape();
        return x.unsqueeze(2).expand(s[0], s[1], g, s[2], s[3]).reshape(s[0], s[1] * g, s[2], s[3]);
    }

    /** Bool [Tq, Tk]: true where query i may see key j under the bottom-right causal rule. */
    public static Tensor causalMask(int tq, int tk) {
        Tensor i = Tensor.arange(tq).reshape(tq, 1), j = Tensor.arange(tk).reshape(1, tk);
        return j.le(i.add((float) (tk - tq)));
    }

    static Tensor math(Tensor q, Tensor k, Tensor v, Options o, float scale) {
        // the scale goes on the smaller operand: q [B, H, Tq, D] when Tk > D (one pass over fewer elements)
        Tensor scores = k.size(2) > q.size(3) ? q.mul(scale).matmul(k.mT()) : q.matmul(k.mT()).mul(scale); // [B, H, Tq, Tk]
        Tensor bias = additiveMask(o.mask, o.causal, q.size(2), k.size(2), q);
        if (bias != null) scores = scores.add(bias);
        Tensor weights = scores.softmax(-1);
        if (o.dropoutActive()) weights = Dropout.dropout(weights, o.dropoutP, true, o.gen);
        return Matmul.matmulLike(weights, v, q);                         // [B, H, Tq, Dv], laid out like q
    }

    /**
     * Every mask as one float bias to add to the scores (0 where a key may be seen, -inf where not), or null.
     * Built at the mask's own size ([Tq, Tk], [B, 1, 1, Tk], ...), which is far smaller than the [B, H, Tq, Tk]
     * scores, and then added by one broadcast pass. Adding rather than selecting with {@code where} also costs
     * nothing in backward: the gradient of an add is passed through as it is, while {@code where} needs a
     * second masked pass over the scores' gradient (the two give the same gradient, since softmax's is 0 where
     * its weight is 0).
     */
    static Tensor additiveMask(Tensor mask, boolean causal, int tq, int tk, Tensor like) {
        Tensor bias = null;
        if (causal) bias = Tensor.where(causalMask(tq, tk), Tensor.scalar(0f), Tensor.scalar(Float.NEGATIVE_INFINITY)).to(like.device()); // [Tq, Tk]
        if (mask != null) {
            Tensor m = mask.dtype() == DType.BOOL
                    ? Tensor.where(mask, Tensor.scalar(0f), Tensor.scalar(Float.NEGATIVE_INFINITY))
                    : mask;
            bias = bias == null ? m : bias.add(m);
        }
        return bias;
    }

    static Tensor fused(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale) {
        Backend be = Support.backend("scaledDotProduct", q, k, v, mask);
        int b = q.size(0), h = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2), dv = v.size(3);
        AttentionShape shape = new AttentionShape(b, h, tq, tk, d, dv, scale, causal);
        Tensor qc = Views.copyDetachedIfNeeded(q.detach()), kc = Views.copyDetachedIfNeeded(k.detach()),
                vc = Views.copyDetachedIfNeeded(v.detach());
        Tensor bias = null;
        Layout biasLayout = null;
        if (mask != null) {
            Tensor m = additiveMask(mask, false, tq, tk, q).detach();
            biasLayout = Support.expandLayout("scaledDotProduct mask", m.layout(), new int[] {b, h, tq, tk});
            bias = m;
        }
        Tensor out = Support.empty(be, DType.FLOAT32, b, h, tq, dv);
        Tensor lse = Support.empty(be, DType.FLOAT32, b, h, tq);
        be.attentionForward(shape, qc.storage(), kc.storage(), vc.storage(), bias == null ? null : bias.storage(),
                biasLayout, out.storage(), lse.storage());
        Saved sq = Saved.of(qc, "attention"), sk = Saved.of(kc, "attention"), sv = Saved.of(vc, "attention"),
                so = Saved.of(out, "attention");
        Tensor biasT = bias;
        Layout bl = biasLayout;
        return Autograd.record("ScaledDotProductFlashAttentionBackward0", out, new Tensor[] {q, k, v}, g -> {
            Tensor dq = Support.empty(be, DType.FLOAT32, b, h, tq, d);
            Tensor dk = Support.empty(be, DType.FLOAT32, b, h, tk, d);
            Tensor dvt = Support.empty(be, DType.FLOAT32, b, h, tk, dv);
            be.attentionBackward(shape, sq.get().storage(), sk.get().storage(), sv.get().storage(),
                    biasT == null ? null : biasT.storage(), bl, so.get().storage(), lse.storage(),
                    Views.copyDetachedIfNeeded(g).storage(), dq.storage(), dk.storage(), dvt.storage());
            return new Tensor[] {dq, dk, dvt};
        });
    }
}
