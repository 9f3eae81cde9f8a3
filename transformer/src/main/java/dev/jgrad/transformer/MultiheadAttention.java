package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.ops.Attention;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;

import java.util.List;
import java.util.Map;

/**
 * Multi-head attention with separate query/key/value/output projections ({@code q_proj, k_proj, v_proj,
 * out_proj}), batch-first like {@code nn.MultiheadAttention(batch_first=True)}. PyTorch's packed
 * {@code in_proj_weight} loads through {@link #loadTorchState}.
 *
 * <p>Beyond PyTorch's module: grouped-query attention (fewer key/value heads), an optional {@link Rotary}
 * embedding, a {@link KVCache} for incremental decoding, and per-layer key/value prefixes for prefix tuning
 * — all plain arguments, so no special model classes are needed for them.
 */
public final class MultiheadAttention extends Module {
    public final int embedDim, numHeads, numKvHeads, headDim;
    public final float dropout;
    public final Linear qProj, kProj, vProj, outProj;
    private final Generator gen;
    private Rotary rotary;

    /** Learned (or given) keys and values prepended to every sequence: [P, Hkv·Dh] each, projected already. */
    public record Prefix(Tensor keys, Tensor values) {}

    public MultiheadAttention(int embedDim, int numHeads, int numKvHeads, float dropout, boolean bias, Generator gen) {
        if (embedDim % numHeads != 0) throw new IllegalArgumentException("embedDim " + embedDim + " is not divisible by numHeads " + numHeads);
        if (numHeads % numKvHeads != 0) throw new IllegalArgumentException("numKvHeads " + numKvHeads + " must divide numHeads " + numHeads);
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.numKvHeads = numKvHeads;
        this.headDim = embedDim / numHeads;
        this.dropout = dropout;
        this.gen = gen;
        int kvDim = numKvHeads * headDim;
        qProj = registerModule("q_proj", new Linear(embedDim, embedDim, bias, gen));
        kProj = registerModule("k_proj", new Linear(embedDim, kvDim, bias, gen));
        vProj = registerModule("v_proj", new Linear(embedDim, kvDim, bias, gen));
        outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias, gen));
    }

    /** Ordinary multi-head attention with biases, as {@code nn.MultiheadAttention}. */
    public MultiheadAttention(int embedDim, int numHeads, float dropout, Generator gen) {
        this(embedDim, numHeads, numHeads, dropout, true, gen);
    }

    /** Rotates queries and keys by position (RoPE) from now on; null turns it off. */
    public MultiheadAttention withRotary(Rotary r) {
        this.rotary = r;
        return this;
    }

    /** Self-attention: x [B, T, E] → [B, T, E]. */
    public Tensor forward(Tensor x, AttentionMask mask) {
        return forward(x, x, x, mask, null, null);
    }

    /**
     * query [B, Tq, E], key and value [B, Tk, E] → [B, Tq, E].
     *
     * @param cache  when non-null, this call's keys and values are appended to it and attention runs over all
     *               of them (the key padding mask, if any, must then cover every cached key)
     * @param prefix when non-null, P extra keys/values seen by every query (prefix tuning)
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, AttentionMask mask, KVCache cache, Prefix prefix) {
        int b = query.size(0), tq = query.size(1), tk = key.size(1);
        if (query.size(2) != embedDim || key.size(2) != embedDim || value.size(2) != embedDim || value.size(1) != tk) {
            throw new IllegalArgumentException("MultiheadAttention(" + embedDim + "): query " + shape(query) + ", key "
                    + shape(key) + ", value " + shape(value) + " must be [B, T, " + embedDim + "] with equal key/value lengths");
        }
        int offset = cache == null ? 0 : cache.length();
        Tensor q = heads(qProj.forward(query), numHeads);               // [B, H, Tq, Dh]
        Tensor k = heads(kProj.forward(key), numKvHeads);               // [B, Hkv, Tk, Dh]
        Tensor v = heads(vProj.forward(value), numKvHeads);
        if (rotary != null) {
            q = rotary.apply(q, offset);
            k = rotary.apply(k, offset);
        }
        if (cache != null) {
            Tensor[] kv = cache.append(k, v);
            k = kv[0];
            v = kv[1];
        }
        int p = 0;
        if (prefix != null) {
            p = prefix.keys().size(0);
            k = Tensor.cat(List.of(heads(prefix.keys().unsqueeze(0), numKvHeads).expand(b, numKvHeads, p, headDim), k), 2);
            v = Tensor.cat(List.of(heads(prefix.values().unsqueeze(0), numKvHeads).expand(b, numKvHeads, p, headDim), v), 2);
        }
        int keysCovered = k.size(2) - p;
        Attention.Options o = Attention.Options.DEFAULT
                .withMask(mask.toSdpa(b, tq, keysCovered, p))
                .withCausal(mask.causal());
        if (isTraining() && dropout > 0) o = o.withDropout(dropout, gen);
        Tensor out = Attention.scaledDotProduct(q, k, v, o);            // [B, H, Tq, Dh]
        out = out.permute(0, 2, 1, 3).reshape(b, tq, embedDim);         // [B, Tq, H·Dh]
        return outProj.forward(out);
    }

    /** [B, T, n·Dh] → [B, n, T, Dh]. */
    private Tensor heads(Tensor x, int n) {
        return x.view(x.size(0), x.size(1), n, headDim).permute(0, 2, 1, 3);
    }

    /**
     * Loads the keys of a {@code nn.MultiheadAttention} state dict ({@code in_proj_weight} [3E, E],
     * {@code in_proj_bias} [3E], {@code out_proj.weight}, {@code out_proj.bias}), splitting the packed
     * projection into q, k and v. Keys are relative to this module.
     */
    public void loadTorchState(Map<String, Tensor> torch) {
        Tensor w = require(torch, "in_proj_weight"), bias = torch.get("in_proj_bias");
        List<Tensor> ws = w.chunk(3, 0);
        try (var scope = dev.jgrad.engine.autograd.GradMode.noGrad()) {
            qProj.weight.copy_(ws.get(0));
            kProj.weight.copy_(ws.get(1));
            vProj.weight.copy_(ws.get(2));
            if (bias != null) {
                List<Tensor> bs = bias.chunk(3, 0);
                qProj.bias.copy_(bs.get(0));
                kProj.bias.copy_(bs.get(1));
                vProj.bias.copy_(bs.get(2));
            }
            outProj.weight.copy_(require(torch, "out_proj.weight"));
            if (outProj.bias != null) outProj.bias.copy_(require(torch, "out_proj.bias"));
        }
    }

    private static Tensor require(Map<String, Tensor> m, String key) {
        Tensor t = m.get(key);
        if (t == null) throw new IllegalArgumentException("missing key '" + key + "' in the PyTorch MultiheadAttention state");
        return t;
    }

    private static String shape(Tensor t) {
        return java.util.Arrays.toString(t.shape());
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + (numKvHeads != numHeads ? ", num_kv_heads=" + numKvHeads : "")
                + ", dropout=" + dropout + (rotary != null ? ", rotary" : "");
    }
}
