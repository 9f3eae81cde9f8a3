package dev.jgrad.engine.ops;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.Autograd;
import dev.jgrad.engine.autograd.Saved;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.BinaryOp;
import dev.jgrad.engine.backend.CompareOp;
import dev.jgrad.engine.backend.UnaryOp;

/**
 * Elementwise ops with NumPy broadcasting. Each op's forward (one kernel call) and backward (a few tensor
 * ops) sit together; a broadcast input's gradient is summed back to its shape by {@link Support#sumToShape}.
 */
public final class Elementwise {
    private Elementwise() {}

    // ---------------------------------------------------------------- kernel calls (no graph)

    /** op(x) computed by the backend, no graph. */
    static Tensor unaryRaw(String name, UnaryOp op, float a, float b, Tensor x) {
        Support.requireFloat(name, x);
        Backend be = Support.backend(name, x);
        // A permuted x (attention heads) gives an output with the same memory order, as in PyTorch: the kernel
        // then runs over contiguous memory, and a later permute back (merging heads) needs no copy.
        int[] order = x.layout().isContiguous() ? null : x.layout().memoryOrder();
        Layout in = order == null ? x.layout() : x.layout().permute(order);
        Tensor out = Support.empty(be, DType.FLOAT32, in.shape());   // x's shape in x's memory order
        be.unary(op, a, b, x.storage(), in, out.storage());
        return order == null ? out : Tensor.wrap(out.storage(), out.layout().permute(Layout.inverse(order)));
    }

    /** op(a, b) with broadcasting, no graph. */
    static Tensor binaryRaw(String name, BinaryOp op, Tensor a, Tensor b) {
        Support.requireFloat(name, a, b);
        Backend be = Support.backend(name, a, b);
        int[] shape = Support.broadcastShapes(name, a.shape(), b.shape());
        Tensor out = Support.empty(be, DType.FLOAT32, shape);
        be.binary(op, a.storage(), Support.expandLayout(name, a.layout(), shape),
                b.storage(), Support.expandLayout(name, b.layout(), shape), out.storage());
        return out;
    }

    // ---------------------------------------------------------------- binary

    public static Tensor add(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        Tensor out = binaryRaw("add", BinaryOp.ADD, a, b);
        return Autograd.record("AddBackward0", out, new Tensor[] {a, b},
                g -> new Tensor[] {Support.sumToShape(g, as), Support.sumToShape(g, bs)});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        Tensor out = binaryRaw("sub", BinaryOp.SUB, a, b);
        return Autograd.record("SubBackward0", out, new Tensor[] {a, b},
                g -> new Tensor[] {Support.sumToShape(g, as), Support.sumToShape(neg(g), bs)});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Saved sa = Saved.of(a, "mul"), sb = Saved.of(b, "mul");
        Tensor out = binaryRaw("mul", BinaryOp.MUL, a, b);
        return Autograd.record("MulBackward0", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? Support.sumToShape(mul(g, sb.get()), a.shape()) : null,
                b.requiresGrad() ? Support.sumToShape(mul(g, sa.get()), b.shape()) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Saved sa = Saved.of(a, "div"), sb = Saved.of(b, "div");
        Tensor out = binaryRaw("div", BinaryOp.DIV, a, b);
        return Autograd.record("DivBackward0", out, new Tensor[] {a, b}, g -> {
            Tensor gb = div(g, sb.get());                                    // d/da (a/b) = 1/b
            return new Tensor[] {
                    a.requiresGrad() ? Support.sumToShape(gb, a.shape()) : null,
                    b.requiresGrad() ? Support.sumToShape(neg(mul(gb, div(sa.get(), sb.get()))), b.shape()) : null};
        });                                                                  // d/db (a/b) = -a/b²
    }

    public static Tensor pow(Tensor a, Tensor b) {
        Saved sa = Saved.of(a, "pow"), sb = Saved.of(b, "pow");
        Tensor out = binaryRaw("pow", BinaryOp.POW, a, b);
        Saved so = Saved.of(out, "pow");
        return Autograd.record("PowBackward1", out, new Tensor[] {a, b}, g -> {
            Tensor zero = Tensor.scalar(0f);
            Tensor da = null, db = null;
            if (a.requiresGrad()) {
                // d/da a^b = b·a^(b−1), defined as 0 where b = 0 (a^0 is constant; the formula gives 0·0^(−1) = NaN at a = 0)
                Tensor slope = mul(sb.get(), pow(sa.get(), affine(sb.get(), 1f, -1f)));
                slope = where(compare(CompareOp.EQ, sb.get(), zero), zero, slope);
                da = Support.sumToShape(mul(g, slope), a.shape());
            }
            if (b.requiresGrad()) {
                // d/db a^b = a^b·log a, defined as 0 where a = 0 and b ≥ 0 (the formula gives 0·(−inf) = NaN), as in PyTorch
                Tensor slope = mul(so.get(), log(sa.get()));
                Tensor zeroBase = compare(CompareOp.EQ, sa.get(), zero);
                slope = where(zeroBase, where(compare(CompareOp.GE, sb.get(), zero), zero, slope), slope);
                db = Support.sumToShape(mul(g, slope), b.shape());
            }
            return new Tensor[] {da, db};
        });
    }

    /** Elementwise max; on ties the gradient is split evenly, as in PyTorch. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", BinaryOp.MAXIMUM, CompareOp.LT, a, b);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", BinaryOp.MINIMUM, CompareOp.GT, a, b);
    }

    /**
     * As PyTorch: each operand gets the whole gradient unless it loses ({@code loses} is LT for maximum), half of
     * it on a tie. Where either is NaN the result is NaN, nobody loses and both get the whole gradient.
     */
    private static Tensor extremum(String name, BinaryOp op, CompareOp loses, Tensor a, Tensor b) {
        Saved sa = Saved.of(a, name), sb = Saved.of(b, name);
        Tensor out = binaryRaw(name, op, a, b);
        return Autograd.record(name.equals("maximum") ? "MaximumBackward0" : "MinimumBackward0", out, new Tensor[] {a, b}, g -> {
            Tensor halfTie = compare(CompareOp.EQ, sa.get(), sb.get()).to(DType.FLOAT32).mul(0.5f);
            Tensor aLoses = compare(loses, sa.get(), sb.get()).to(DType.FLOAT32);
            Tensor bLoses = compare(loses, sb.get(), sa.get()).to(DType.FLOAT32);
            Tensor shareA = affine(add(aLoses, halfTie), -1f, 1f);                 // 1 − loses − tie/2
            Tensor shareB = affine(add(bLoses, halfTie), -1f, 1f);
            return new Tensor[] {
                    Support.sumToShape(mul(g, shareA), a.shape()),
                    Support.sumToShape(mul(g, shareB), b.shape())};
        });
    }

    // ---------------------------------------------------------------- unary

    /** a·x + b for scalars a, b: how {@code x + 2}, {@code x * 3}, {@code x / 4} are computed. */
    public static Tensor affine(Tensor x, float a, float b) {
        Tensor out = unaryRaw("affine", UnaryOp.AFFINE, a, b, x);
        return Autograd.record(b == 0 ? "MulBackward0" : "AddBackward0", out, new Tensor[] {x},
                g -> new Tensor[] {a == 1f ? g : affine(g, a, 0f)});
    }

    public static Tensor neg(Tensor x) {
        Tensor out = unaryRaw("neg", UnaryOp.NEG, 0, 0, x);
        return Autograd.record("NegBackward0", out, new Tensor[] {x}, g -> new Tensor[] {neg(g)});
    }

    public static Tensor exp(Tensor x) {
        Tensor out = unaryRaw("exp", UnaryOp.EXP, 0, 0, x);
        Saved so = Saved.of(out, "exp");
        return Autograd.record("ExpBackward0", out, new Tensor[] {x}, g -> new Tensor[] {mul(g, so.get())});
    }

    public static Tensor log(Tensor x) {
        Saved sx = Saved.of(x, "log");
        Tensor out = unaryRaw("log", UnaryOp.LOG, 0, 0, x);
        return Autograd.record("LogBackward0", out, new Tensor[] {x}, g -> new Tensor[] {div(g, sx.get())});
    }

    public static Tensor sqrt(Tensor x) {
        Tensor out = unaryRaw("sqrt", UnaryOp.SQRT, 0, 0, x);
        Saved so = Saved.of(out, "sqrt");
        return Autograd.record("SqrtBackward0", out, new Tensor[] {x},
                g -> new Tensor[] {div(g, affine(so.get(), 2f, 0f))});            // 1 / (2·sqrt x)
    }

    public static Tensor rsqrt(Tensor x) {
        Tensor out = unaryRaw("rsqrt", UnaryOp.RSQRT, 0, 0, x);
        Saved so = Saved.of(out, "rsqrt");
        return Autograd.record("RsqrtBackward0", out, new Tensor[] {x},
                g -> new Tensor[] {mul(g, affine(pow(so.get(), 3f), -0.5f, 0f))});  // −x^(−3/2) / 2
    }

    public static Tensor abs(Tensor x) {
        Saved sx = Saved.of(x, "abs");
        Tensor out = unaryRaw("abs", UnaryOp.ABS, 0, 0, x);
        return Autograd.record("AbsBackward0", out, new Tensor[] {x},
                g -> new Tensor[] {mul(g, unaryRaw("sign", UnaryOp.SIGN, 0, 0, sx.get()))});
    }

    public static Tensor tanh(Tensor x) {
        Tensor out = unaryRaw("tanh", UnaryOp.TANH, 0, 0, x);
        Saved so = Saved.of(out, "tanh");
        return Autograd.record("TanhBackward0", out, new Tensor[] {x},
                g -> new Tensor[] {mul(g, affine(mul(so.get(), so.get()), -1f, 1f))}); // 1 − tanh²
    }

    public static Tensor sigmoid(Tensor x) {
        Tensor out = unaryRaw("sigmoid", UnaryOp.SIGMOID, 0, 0, x);
        Saved so = Saved.of(out, "sigmoid");
        return Autograd.record("SigmoidBackward0", out, new Tensor[] {x},
                g -> new Tensor[] {mul(g, mul(so.get(), affine(so.get(), -1f, 1f)))}); // σ(1 − σ)
    }

    /** x^p for a scalar exponent. */
    public static Tensor pow(Tensor x, float p) {
        Saved sx = Saved.of(x, "pow");
        Tensor out = unaryRaw("pow", UnaryOp.POW, p, 0, x);
        int[] xs = x.shape();
        return Autograd.record("PowBackward0", out, new Tensor[] {x}, g -> new Tensor[] {
                // x^0 is constant: its gradient is 0 everywhere, also at x = 0 where p·x^(p−1) would be 0·inf = NaN
                p == 0f ? Support.empty(Support.backend("pow", g), DType.FLOAT32, xs)
                        : mul(g, affine(pow(sx.get(), p - 1f), p, 0f))});
    }

    public static Tensor relu(Tensor x) {
        return withDerivative("relu", "ReluBackward0", UnaryOp.RELU, UnaryOp.RELU_GRAD, 0, 0, x);
    }

    public static Tensor gelu(Tensor x, boolean tanhApprox) {
        return tanhApprox
                ? withDerivative("gelu", "GeluBackward0", UnaryOp.GELU_TANH, UnaryOp.GELU_TANH_GRAD, 0, 0, x)
                : withDerivative("gelu", "GeluBackward0", UnaryOp.GELU_ERF, UnaryOp.GELU_ERF_GRAD, 0, 0, x);
    }

    public static Tensor silu(Tensor x) {
        return withDerivative("silu", "SiluBackward0", UnaryOp.SILU, UnaryOp.SILU_GRAD, 0, 0, x);
    }

    public static Tensor clamp(Tensor x, float min, float max) {
        return withDerivative("clamp", "ClampBackward1", UnaryOp.CLAMP, UnaryOp.CLAMP_GRAD, min, max, x);
    }

    /**
     * f(x) whose backward is g·f'(x), with f' a kernel of its own (activations). Backward multiplies g into the
     * fresh f'(x) buffer in place (backward runs without recording, so nothing needs the unscaled f'): one
     * tensor of x's size less per activation.
     */
    private static Tensor withDerivative(String name, String node, UnaryOp f, UnaryOp df, float a, float b, Tensor x) {
        Saved sx = Saved.of(x, name);
        Tensor out = unaryRaw(name, f, a, b, x);
        return Autograd.record(node, out, new Tensor[] {x},
                g -> new Tensor[] {InPlace.binary(name, BinaryOp.MUL, unaryRaw(name, df, a, b, sx.get()), g)});
    }

    // ---------------------------------------------------------------- selection and comparison

    /** cond ? a : b with broadcasting of all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where: condition must be bool, got " + cond.dtype() + " of shape " + Support.str(cond.shape()));
        }
        Support.requireFloat("where", a, b);
        Backend be = Support.backend("where", cond, a, b);
        int[] shape = Support.broadcastShapes("where", Support.broadcastShapes("where", cond.shape(), a.shape()), b.shape());
        Tensor out = Support.empty(be, DType.FLOAT32, shape);
        be.where(cond.storage(), Support.expandLayout("where", cond.layout(), shape),
                a.storage(), Support.expandLayout("where", a.layout(), shape),
                b.storage(), Support.expandLayout("where", b.layout(), shape), out.storage());
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("WhereBackward0", out, new Tensor[] {null, a, b}, g -> {
            Tensor zero = Tensor.scalar(0f);
            return new Tensor[] {null,
                    a.requiresGrad() ? Support.sumToShape(where(cond, g, zero), as) : null,
                    b.requiresGrad() ? Support.sumToShape(where(cond, zero, g), bs) : null};
        });
    }

    /** {@code value} where mask is true, x elsewhere. */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        Support.broadcastShapes("maskedFill", x.shape(), mask.shape()); // the mask must broadcast to x, not grow it
        int[] shape = Support.broadcastShapes("maskedFill", mask.shape(), x.shape());
        if (!java.util.Arrays.equals(shape, x.shape())) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Support.str(mask.shape())
                    + " does not broadcast to the input's shape " + Support.str(x.shape()));
        }
        return where(mask, Tensor.scalar(value), x);
    }

    /** a (op) b elementwise as a bool tensor; no gradient. */
    public static Tensor compare(CompareOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        Tensor af = a.to(DType.FLOAT32), bf = b.to(DType.FLOAT32);
        Backend be = Support.backend(name, af, bf);
        int[] shape = Support.broadcastShapes(name, a.shape(), b.shape());
        Tensor out = Support.empty(be, DType.BOOL, shape);
        be.compare(op, af.storage(), Support.expandLayout(name, af.layout(), shape),
                bf.storage(), Support.expandLayout(name, bf.layout(), shape), out.storage());
        return out;
    }
}
