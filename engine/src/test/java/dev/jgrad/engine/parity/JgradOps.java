package dev.jgrad.engine.parity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jgrad.engine.F;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.ops.Losses;
import dev.jgrad.engine.ops.Reduce;

import java.util.List;
import java.util.Locale;

/**
 * The fixture op names mapped to jgrad calls: the Java side of {@code OPS} in {@code tools/fixtures/engine_ops.py}.
 * Every op returns the list of its outputs, so that max along a dim (values, indices) and split fit the same mold.
 */
final class JgradOps {
    private JgradOps() {}

    /** Runs {@code op} on the (already viewed) inputs {@code x} with the fixture's non-tensor arguments. */
    static List<Tensor> run(String op, List<Tensor> x, JsonNode args) {
        Args a = new Args(args);
        Tensor x0 = x.get(0);
        return switch (op) {
            // elementwise
            case "add" -> List.of(x0.add(x.get(1)));
            case "sub" -> List.of(x0.sub(x.get(1)));
            case "mul" -> List.of(x0.mul(x.get(1)));
            case "div" -> List.of(x0.div(x.get(1)));
            case "add_scalar" -> List.of(x0.add(a.f("scalar")));
            case "sub_scalar" -> List.of(x0.sub(a.f("scalar")));
            case "mul_scalar" -> List.of(x0.mul(a.f("scalar")));
            case "div_scalar" -> List.of(x0.div(a.f("scalar")));
            case "neg" -> List.of(x0.neg());
            case "pow_scalar" -> List.of(x0.pow(a.f("exponent")));
            case "pow" -> List.of(x0.pow(x.get(1)));
            case "exp" -> List.of(x0.exp());
            case "log" -> List.of(x0.log());
            case "sqrt" -> List.of(x0.sqrt());
            case "rsqrt" -> List.of(x0.rsqrt());
            case "abs" -> List.of(x0.abs());
            case "tanh" -> List.of(x0.tanh());
            case "sigmoid" -> List.of(x0.sigmoid());
            case "relu" -> List.of(x0.relu());
            case "gelu" -> List.of(x0.gelu(a.s("approximate").equals("tanh")));
            case "silu" -> List.of(x0.silu());
            case "clamp" -> List.of(x0.clamp(a.f("min"), a.f("max")));
            case "where" -> List.of(Tensor.where(x0, x.get(1), x.get(2)));
            case "masked_fill" -> List.of(x0.maskedFill(x.get(1), a.f("value")));
            case "maximum" -> List.of(x0.maximum(x.get(1)));
            case "minimum" -> List.of(x0.minimum(x.get(1)));
            case "eq" -> List.of(x0.eq(x.get(1)));
            case "ne" -> List.of(x0.ne(x.get(1)));
            case "lt" -> List.of(x0.lt(x.get(1)));
            case "le" -> List.of(x0.le(x.get(1)));
            case "gt" -> List.of(x0.gt(x.get(1)));
            case "ge" -> List.of(x0.ge(x.get(1)));
            // reductions; no "dims" means over everything
            case "sum" -> List.of(a.has("dims") ? x0.sum(a.ints("dims"), a.b("keepdim")) : x0.sum());
            case "mean" -> List.of(a.has("dims") ? x0.mean(a.ints("dims"), a.b("keepdim")) : x0.mean());
            case "max_all" -> List.of(x0.max());
            case "min_all" -> List.of(x0.min());
            case "max_dim" -> valuesIndices(x0.max(a.i("dim"), a.b("keepdim")));
            case "min_dim" -> valuesIndices(x0.min(a.i("dim"), a.b("keepdim")));
            case "amax" -> List.of(x0.amax(a.ints("dims"), a.b("keepdim")));
            case "amin" -> List.of(x0.amin(a.ints("dims"), a.b("keepdim")));
            case "argmax" -> List.of(x0.argmax(a.i("dim"), a.b("keepdim")));
            case "argmin" -> List.of(x0.argmin(a.i("dim"), a.b("keepdim")));
            case "var" -> List.of(x0.var(a.ints("dims"), a.b("unbiased"), a.b("keepdim")));
            case "std" -> List.of(x0.std(a.ints("dims"), a.b("unbiased"), a.b("keepdim")));
            case "logsumexp" -> List.of(x0.logsumexp(a.ints("dims"), a.b("keepdim")));
            // linear algebra, normalization, losses
            case "matmul" -> List.of(x0.matmul(x.get(1)));
            case "softmax" -> List.of(x0.softmax(a.i("dim")));
            case "log_softmax" -> List.of(x0.logSoftmax(a.i("dim")));
            case "layer_norm" -> List.of(F.layerNorm(x0, a.ints("normalizedShape"), optional(x, 1), optional(x, 2), a.f("eps")));
            case "embedding" -> List.of(a.has("paddingIdx")
                    ? F.embedding(x.get(1), x0, a.i("paddingIdx"))
                    : F.embedding(x.get(1), x0));
            case "cross_entropy" -> List.of(F.crossEntropy(x0, x.get(1), optional(x, 2), a.i("ignoreIndex"),
                    a.f("labelSmoothing"), a.reduction()));
            case "mse_loss" -> List.of(F.mseLoss(x0, x.get(1), a.reduction()));
            // views
            case "view" -> List.of(x0.view(a.ints("shape")));
            case "reshape" -> List.of(x0.reshape(a.ints("shape")));
            case "permute" -> List.of(x0.permute(a.ints("dims")));
            case "transpose" -> List.of(x0.transpose(a.i("dim0"), a.i("dim1")));
            case "expand" -> List.of(x0.expand(a.ints("shape")));
            case "narrow" -> List.of(x0.narrow(a.i("dim"), a.i("start"), a.i("length")));
            case "slice" -> List.of(x0.slice(a.i("dim"), a.i("start"), a.i("end"), a.i("step")));
            case "select" -> List.of(x0.select(a.i("dim"), a.i("index")));
            case "squeeze" -> List.of(a.has("dim") ? x0.squeeze(a.i("dim")) : x0.squeeze());
            case "unsqueeze" -> List.of(x0.unsqueeze(a.i("dim")));
            case "flatten" -> List.of(x0.flatten(a.i("startDim"), a.i("endDim")));
            case "contiguous" -> List.of(x0.contiguous());
            // joins
            case "cat" -> List.of(Tensor.cat(x, a.i("dim")));
            case "stack" -> List.of(Tensor.stack(x, a.i("dim")));
            case "split" -> x0.split(a.i("size"), a.i("dim"));
            case "chunk" -> x0.chunk(a.i("chunks"), a.i("dim"));
            default -> throw new IllegalArgumentException("no jgrad mapping for fixture op '" + op + "'");
        };
    }

    private static List<Tensor> valuesIndices(Reduce.ValuesIndices r) {
        return List.of(r.values(), r.indices());
    }

    /** Input i, or null when the case has fewer inputs (layer norm without affine, cross-entropy without weights). */
    private static Tensor optional(List<Tensor> x, int i) {
        return i < x.size() ? x.get(i) : null;
    }

    /** Typed access to a case's {@code args} object. */
    private record Args(JsonNode node) {
        boolean has(String key) { return node.has(key); }
        int i(String key) { return get(key).asInt(); }
        float f(String key) { return get(key).floatValue(); }
        boolean b(String key) { return get(key).asBoolean(); }
        String s(String key) { return get(key).asText(); }
        int[] ints(String key) { return Fixtures.ints(get(key)); }
        Losses.Reduction reduction() { return Losses.Reduction.valueOf(s("reduction").toUpperCase(Locale.ROOT)); }

        private JsonNode get(String key) {
            JsonNode v = node.get(key);
            if (v == null) throw new IllegalArgumentException("fixture args " + node + " lack '" + key + "'");
            return v;
        }
    }
}
