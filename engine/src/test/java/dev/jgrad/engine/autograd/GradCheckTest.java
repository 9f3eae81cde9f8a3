package dev.jgrad.engine.autograd;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.ops.Losses.Reduction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * A finite-difference check for every differentiable op: plain, broadcast and non-contiguous inputs
 * (permuted, sliced, expanded), and reductions over several dims. Inputs stay away from kinks (relu at 0,
 * ties in max) where the derivative is not defined.
 */
class GradCheckTest {

    private final List<DynamicTest> tests = new ArrayList<>();
    private int seed = 1;

    /** A fresh normal(0, 1) leaf. */
    private Supplier<Tensor> randn(int... shape) {
        int s = seed++;
        return () -> Tensor.randn(new Generator(s), shape);
    }

    /** Uniform in [lo, hi) (for log, sqrt, division). */
    private Supplier<Tensor> uniform(double lo, double hi, int... shape) {
        int s = seed++;
        return () -> Tensor.uniform(lo, hi, new Generator(s), shape);
    }

    /** Values of magnitude in [0.1, 1) with random signs, distinct: no kinks, no ties. */
    private Supplier<Tensor> awayFromZero(int... shape) {
        int s = seed++;
        return () -> {
            Generator g = new Generator(s);
            Tensor t = Tensor.uniform(0.1, 1.0, g, shape);
            float[] v = t.storage().floats();
            for (int i = 0; i < v.length; i++) v[i] = (g.nextFloat() < 0.5f ? -v[i] : v[i]) + 1e-3f * i;
            return t;
        };
    }

    @SafeVarargs
    private void add(String name, Function<Tensor[], Tensor> f, Supplier<Tensor>... inputs) {
        tests.add(dynamicTest(name, () -> {
            Tensor[] xs = new Tensor[inputs.length];
            for (int i = 0; i < xs.length; i++) xs[i] = inputs[i].get();
            GradCheck.check(f, xs);
        }));
    }

    private static Tensor labels(long... v) {
        return Tensor.fromArray(v);
    }

    @TestFactory
    List<DynamicTest> binary() {
        add("add", x -> x[0].add(x[1]), randn(2, 3), randn(2, 3));
        add("add broadcast [2,3]+[3]", x -> x[0].add(x[1]), randn(2, 3), randn(3));
        add("add broadcast [2,1,4]+[3,1]", x -> x[0].add(x[1]), randn(2, 1, 4), randn(3, 1));
        add("sub broadcast", x -> x[0].sub(x[1]), randn(4, 1), randn(1, 3));
        add("mul broadcast", x -> x[0].mul(x[1]), randn(2, 3, 4), randn(3, 1));
        add("mul permuted", x -> x[0].permute(1, 0).mul(x[1]), randn(3, 2), randn(2, 3));
        add("mul sliced", x -> x[0].slice(1, 0, 6, 2).mul(x[1]), randn(2, 6), randn(2, 3));
        add("mul expanded", x -> x[0].expand(4, 3).mul(x[1]), randn(1, 3), randn(4, 3));
        add("div", x -> x[0].div(x[1]), randn(2, 3), uniform(0.5, 2, 3));
        add("pow tensor", x -> x[0].pow(x[1]), uniform(0.5, 2, 2, 3), randn(2, 3));
        add("maximum", x -> x[0].maximum(x[1]), awayFromZero(2, 3), awayFromZero(3));
        add("minimum", x -> x[0].minimum(x[1]), awayFromZero(2, 3), awayFromZero(2, 3));
        add("add scalar, mul scalar, div scalar, sub scalar", x -> x[0].add(2f).mul(3f).div(4f).sub(1f), randn(5));
        return tests;
    }

    @TestFactory
    List<DynamicTest> unary() {
        add("neg", x -> x[0].neg(), randn(2, 3));
        add("exp", x -> x[0].exp(), randn(2, 3));
        add("log", x -> x[0].log(), uniform(0.5, 3, 2, 3));
        add("sqrt", x -> x[0].sqrt(), uniform(0.5, 3, 2, 3));
        add("rsqrt", x -> x[0].rsqrt(), uniform(0.5, 3, 2, 3));
        add("abs", x -> x[0].abs(), awayFromZero(2, 3));
        add("tanh", x -> x[0].tanh(), randn(2, 3));
        add("sigmoid", x -> x[0].sigmoid(), randn(2, 3));
        add("relu", x -> x[0].relu(), awayFromZero(2, 3));
        add("gelu erf", x -> x[0].gelu(), randn(2, 5));
        add("gelu tanh", x -> x[0].gelu(true), randn(2, 5));
        add("silu", x -> x[0].silu(), randn(2, 5));
        add("clamp", x -> x[0].clamp(-0.5f, 0.5f), awayFromZero(3, 4));
        add("pow scalar", x -> x[0].pow(3f), randn(2, 3));
        add("pow fractional", x -> x[0].pow(1.5f), uniform(0.5, 2, 4));
        add("exp of transposed", x -> x[0].transpose(0, 2).exp(), randn(2, 3, 4));
        return tests;
    }

    @TestFactory
    List<DynamicTest> selection() {
        Tensor mask = Tensor.fromArray(new float[] {1, 0, 1, 0, 0, 1}, 2, 3).gt(0.5f);
        add("where", x -> Tensor.where(mask, x[0], x[1]), randn(2, 3), randn(3));
        add("where broadcast cond", x -> Tensor.where(mask.select(0, 0), x[0], x[1]), randn(2, 3), randn(2, 3));
        add("maskedFill", x -> x[0].maskedFill(mask, -5f), randn(2, 3));
        return tests;
    }

    @TestFactory
    List<DynamicTest> reductions() {
        add("sum all", x -> x[0].sum(), randn(2, 3, 4));
        add("sum dim 1", x -> x[0].sum(1, false), randn(2, 3, 4));
        add("sum dims {0,2} keepdim", x -> x[0].sum(new int[] {0, 2}, true), randn(2, 3, 4));
        add("sum dims {0,2} of permuted", x -> x[0].permute(2, 0, 1).sum(new int[] {0, 2}, false), randn(2, 3, 4));
        add("mean dims {1,2}", x -> x[0].mean(new int[] {1, 2}, false), randn(2, 3, 4));
        add("mean all of sliced", x -> x[0].slice(0, 1, 4, 2).mean(), randn(5, 3));
        add("max dim values", x -> x[0].max(1, false).values(), awayFromZero(3, 4));
        add("min dim keepdim values", x -> x[0].min(0, true).values(), awayFromZero(3, 4));
        add("max all", x -> x[0].max(), awayFromZero(3, 4));
        add("amax {0,2}", x -> x[0].amax(new int[] {0, 2}, false), awayFromZero(2, 3, 4));
        add("amin {1}", x -> x[0].amin(new int[] {1}, true), awayFromZero(2, 3, 4));
        add("var unbiased", x -> x[0].var(new int[] {1}, true, false), randn(3, 5));
        add("var biased {0,1}", x -> x[0].var(new int[] {0, 1}, false, true), randn(3, 5));
        add("std", x -> x[0].std(new int[] {-1}, true, false), randn(3, 5));
        add("logsumexp {1}", x -> x[0].logsumexp(new int[] {1}, false), randn(3, 5));
        add("logsumexp {0,2} keepdim", x -> x[0].logsumexp(new int[] {0, 2}, true), randn(2, 3, 4));
        return tests;
    }

    @TestFactory
    List<DynamicTest> matmul() {
        add("dot 1-D·1-D", x -> x[0].matmul(x[1]), randn(5), randn(5));
        add("2-D·1-D", x -> x[0].matmul(x[1]), randn(3, 5), randn(5));
        add("1-D·2-D", x -> x[0].matmul(x[1]), randn(5), randn(5, 4));
        add("2-D·2-D", x -> x[0].matmul(x[1]), randn(3, 5), randn(5, 4));
        add("Aᵀ·B", x -> x[0].mT().matmul(x[1]), randn(5, 3), randn(5, 4));
        add("A·Bᵀ", x -> x[0].matmul(x[1].mT()), randn(3, 5), randn(4, 5));
        add("3-D batched", x -> x[0].matmul(x[1]), randn(2, 3, 5), randn(2, 5, 4));
        add("3-D · 2-D broadcast", x -> x[0].matmul(x[1]), randn(2, 3, 5), randn(5, 4));
        add("4-D broadcast [2,1,3,4]·[1,3,4,2]", x -> x[0].matmul(x[1]), randn(2, 1, 3, 4), randn(1, 3, 4, 2));
        // attention heads: [B, T, H, D] storage read as [B, H, T, D], batch dims that collapse only over H
        add("heads q·kᵀ of permuted [2,4,3,5]", x -> x[0].permute(0, 2, 1, 3).matmul(x[1].permute(0, 2, 1, 3).mT()),
                randn(2, 4, 3, 5), randn(2, 4, 3, 5));
        // batch dims that collapse nowhere ([H, B] of a [B, T, H, D] storage): one product per matrix
        add("batch dims in no order [3,2,4,5]", x -> x[0].permute(2, 0, 1, 3).matmul(x[1]), randn(2, 4, 3, 5), randn(3, 2, 5, 2));
        add("larger 40×50·50×30 (blocked kernel)", x -> x[0].matmul(x[1]), randn(40, 50), randn(50, 30));
        return tests;
    }

    @TestFactory
    List<DynamicTest> rowOps() {
        add("softmax dim -1", x -> x[0].softmax(-1), randn(2, 3, 4));
        add("softmax dim 0", x -> x[0].softmax(0), randn(2, 3, 4));
        add("softmax dim 1 of permuted", x -> x[0].permute(1, 0, 2).softmax(1), randn(2, 3, 4));
        add("logSoftmax dim 1", x -> x[0].logSoftmax(1), randn(2, 3, 4));
        add("logSoftmax dim -1", x -> x[0].logSoftmax(-1), randn(3, 7));
        add("layerNorm with weight and bias", x -> F.layerNorm(x[0], new int[] {4}, x[1], x[2], 1e-5f),
                randn(2, 3, 4), randn(4), randn(4));
        add("layerNorm over 2 dims, no affine", x -> F.layerNorm(x[0], new int[] {3, 4}, null, null, 1e-5f), randn(2, 3, 4));
        add("layerNorm of transposed", x -> F.layerNorm(x[0].transpose(0, 1), new int[] {5}, x[1], null, 1e-5f),
                randn(3, 2, 5), randn(5));
        return tests;
    }

    @TestFactory
    List<DynamicTest> lookupsAndLosses() {
        Tensor idx = labels(1, 3, 1, 0, 4, 3);
        add("embedding", x -> F.embedding(x[0], idx.reshape(2, 3)), randn(5, 4));
        add("embedding with a paddingIdx that is not looked up", x -> F.embedding(x[0], idx, 2), randn(5, 4));
        Tensor t = labels(2, 0, 1, 2);
        add("crossEntropy mean", x -> F.crossEntropy(x[0], t), randn(4, 3));
        add("crossEntropy weights + ignoreIndex + smoothing", x -> F.crossEntropy(x[0], labels(2, -100, 1, 0),
                Tensor.fromArray(new float[] {0.5f, 2f, 1f}), -100, 0.1f, Reduction.MEAN), randn(4, 3));
        add("crossEntropy sum", x -> F.crossEntropy(x[0], t, null, -100, 0f, Reduction.SUM), randn(4, 3));
        add("crossEntropy none", x -> F.crossEntropy(x[0], t, null, -100, 0.2f, Reduction.NONE), randn(4, 3));
        add("crossEntropy [N,C,d]", x -> F.crossEntropy(x[0], labels(0, 2, 1, 1, 0, 2).reshape(2, 3)), randn(2, 3, 3));
        add("mseLoss", x -> F.mseLoss(x[0], x[1]), randn(3, 4), randn(3, 4));
        add("dropout (same seed each evaluation)", x -> F.dropout(x[0], 0.3f, true, new Generator(5)), randn(4, 5));
        return tests;
    }

    @TestFactory
    List<DynamicTest> views() {
        add("view", x -> x[0].view(4, 3).mul(x[0].view(4, 3)), randn(2, 6));
        add("reshape of permuted (copies)", x -> x[0].permute(1, 0).reshape(-1).exp(), randn(3, 4));
        add("flatten(1, 2)", x -> x[0].flatten(1, 2).exp(), randn(2, 3, 4));
        add("expand", x -> x[0].expand(2, 3, 4).exp(), randn(3, 1));
        add("narrow", x -> x[0].narrow(1, 1, 2).exp(), randn(3, 4));
        add("slice with step", x -> x[0].slice(0, 1, 6, 2).exp(), randn(7, 2));
        add("select", x -> x[0].select(1, 2).exp(), randn(3, 4));
        add("squeeze/unsqueeze", x -> x[0].unsqueeze(0).squeeze().unsqueeze(2).exp(), randn(3, 1, 4));
        add("contiguous of transposed", x -> x[0].mT().contiguous().exp(), randn(3, 4));
        add("clone", x -> x[0].clone().exp(), randn(3, 4));
        add("view reaches base through two views", x -> x[0].permute(1, 0).slice(0, 0, 3, 2).exp(), randn(2, 4));
        add("cat", x -> Tensor.cat(List.of(x[0], x[1].permute(1, 0)), 0).exp(), randn(2, 3), randn(3, 4));
        add("stack", x -> Tensor.stack(List.of(x[0], x[1]), 1).exp(), randn(2, 3), randn(2, 3));
        add("split", x -> x[0].split(2, 1).get(1).exp(), randn(2, 5));
        add("chunk", x -> x[0].chunk(3, 0).get(2).mul(x[0].chunk(3, 0).get(0)), randn(6, 2));
        add("value used twice accumulates", x -> x[0].mul(x[0]).add(x[0].exp()), randn(3));
        return tests;
    }
}
