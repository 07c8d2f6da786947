package dev.cortado.autograd;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.UnaryOp;

import static dev.cortado.autograd.Grads.sumToShape;

/**
 * Differentiable elementwise math: binary ops with NumPy broadcasting (their gradients are summed back
 * to each input's shape), scalar forms, unary functions, {@code where} and {@code maskedFill}.
 * Each method is one op: the forward call, then the local backward beside it.
 */
public final class MathOps {
    private static final Tensor[] NOTHING = {};

    private MathOps() {
    }

    // ------------------------------------------------------------ binary, broadcasting

    /** a + b; d/da = 1, d/db = 1. */
    public static Variable add(Variable a, Variable b) {
        int[] as = a.shape(), bs = b.shape();
        return Node.record("add", Elementwise.add(a.data(), b.data()), NOTHING,
                g -> new Tensor[] {sumToShape(g, as), sumToShape(g, bs)}, a, b);
    }

    /** a - b; d/da = 1, d/db = -1. */
    public static Variable sub(Variable a, Variable b) {
        int[] as = a.shape(), bs = b.shape();
        return Node.record("sub", Elementwise.sub(a.data(), b.data()), NOTHING,
                g -> new Tensor[] {sumToShape(g, as), b.requiresGrad() ? sumToShape(Elementwise.neg(g), bs) : null},
                a, b);
    }

    /** a · b; d/da = b, d/db = a. */
    public static Variable mul(Variable a, Variable b) {
        Tensor x = a.data(), y = b.data();
        return Node.record("mul", Elementwise.mul(x, y), new Tensor[] {x, y}, g -> new Tensor[] {
                a.requiresGrad() ? sumToShape(times(g, y), x.shape()) : null,
                b.requiresGrad() ? sumToShape(times(g, x), y.shape()) : null}, a, b);
    }

    /** a / b; d/da = 1/b, d/db = -a/b² = -(a/b)/b. */
    public static Variable div(Variable a, Variable b) {
        Tensor x = a.data(), y = b.data();
        Tensor out = Elementwise.div(x, y);
        return Node.record("div", out, new Tensor[] {y, out}, g -> {
            Tensor gOverB = Elementwise.div(g, y);
            return new Tensor[] {
                    a.requiresGrad() ? sumToShape(gOverB, x.shape()) : null,
                    b.requiresGrad() ? sumToShape(Elementwise.neg(times(gOverB, out)), y.shape()) : null};
        }, a, b);
    }

    /**
     * a^b; d/da = b·a^(b-1), d/db = a^b·ln a. As in PyTorch, d/db is taken as 0 where a = 0 and b ≥ 0
     * (the limit of a^b·ln a), instead of the NaN that 0·(-inf) would give.
     */
    public static Variable pow(Variable a, Variable b) {
        Tensor x = a.data(), y = b.data();
        Tensor out = Elementwise.pow(x, y);
        return Node.record("pow", out, new Tensor[] {x, y, out}, g -> {
            Tensor da = null, db = null;
            if (a.requiresGrad()) {
                da = sumToShape(times(g, times(y, Elementwise.pow(x, Elementwise.sub(y, 1f)))), x.shape());
            }
            if (b.requiresGrad()) {
                Tensor local = times(out, Elementwise.log(x));
                Tensor zeroBase = Elementwise.compare(CompareOp.EQ, x, 0f);
                local = Elementwise.where(Elementwise.compare(CompareOp.GE, y, 0f).expand(local.shape()),
                        Elementwise.maskedFill(local, zeroBase.expand(local.shape()), 0f), local);
                db = sumToShape(times(g, local), y.shape());
            }
            return new Tensor[] {da, db};
        }, a, b);
    }

    /** max(a, b); the gradient goes to the larger input, split evenly on ties (as PyTorch does). */
    public static Variable maximum(Variable a, Variable b) {
        return extremum("maximum", Elementwise.maximum(a.data(), b.data()), CompareOp.GT, a, b);
    }

    /** min(a, b); the gradient goes to the smaller input, split evenly on ties. */
    public static Variable minimum(Variable a, Variable b) {
        return extremum("minimum", Elementwise.minimum(a.data(), b.data()), CompareOp.LT, a, b);
    }

    private static Variable extremum(String op, Tensor out, CompareOp wins, Variable a, Variable b) {
        Tensor x = a.data(), y = b.data();
        return Node.record(op, out, new Tensor[] {x, y}, g -> {
            // weight of a: 1 where a wins, 1/2 on ties, 0 where b wins; b gets 1 - that.
            Tensor aWins = Elementwise.compare(wins, x, y).to(dev.cortado.tensor.DType.FLOAT32);
            Tensor tie = Elementwise.eq(x, y).to(dev.cortado.tensor.DType.FLOAT32);
            Tensor weightA = Elementwise.add(aWins, times(tie, 0.5f));
            return new Tensor[] {
                    a.requiresGrad() ? sumToShape(times(g, weightA), x.shape()) : null,
                    b.requiresGrad() ? sumToShape(times(g, Elementwise.sub(Tensor.scalar(1f), weightA)), y.shape()) : null};
        }, a, b);
    }

    // ------------------------------------------------------------ with a constant

    /** a + c. */
    public static Variable add(Variable a, float c) {
        return Node.record("add", Elementwise.add(a.data(), c), NOTHING, g -> new Tensor[] {g}, a);
    }

    /** a · c. */
    public static Variable mul(Variable a, float c) {
        return Node.record("mul", Elementwise.mul(a.data(), c), NOTHING, g -> new Tensor[] {times(g, c)}, a);
    }

    /** a^p for a constant exponent; d/da = p·a^(p-1). */
    public static Variable pow(Variable a, float p) {
        Tensor x = a.data();
        return Node.record("pow", Elementwise.pow(x, p), new Tensor[] {x},
                g -> new Tensor[] {times(g, times(Elementwise.pow(x, p - 1), p))}, a);
    }

    // ------------------------------------------------------------ unary

    /** -x. */
    public static Variable neg(Variable x) {
        return Node.record("neg", Elementwise.neg(x.data()), NOTHING, g -> new Tensor[] {Elementwise.neg(g)}, x);
    }

    /** |x|; d/dx = sign(x), 0 at 0 (PyTorch's choice). */
    public static Variable abs(Variable x) {
        return unary("abs", UnaryOp.ABS, x);
    }

    /** e^x; d/dx = e^x, read back from the output. */
    public static Variable exp(Variable x) {
        Tensor out = Elementwise.exp(x.data());
        return Node.record("exp", out, new Tensor[] {out}, g -> new Tensor[] {times(g, out)}, x);
    }

    /** ln x; d/dx = 1/x. */
    public static Variable log(Variable x) {
        Tensor in = x.data();
        return Node.record("log", Elementwise.log(in), new Tensor[] {in}, g -> new Tensor[] {Elementwise.div(g, in)}, x);
    }

    /** √x; d/dx = 1/(2√x). */
    public static Variable sqrt(Variable x) {
        Tensor out = Elementwise.sqrt(x.data());
        return Node.record("sqrt", out, new Tensor[] {out},
                g -> new Tensor[] {Elementwise.div(times(g, 0.5f), out)}, x);
    }

    /** 1/√x; d/dx = -x^(-3/2)/2. */
    public static Variable rsqrt(Variable x) {
        return unary("rsqrt", UnaryOp.RSQRT, x);
    }

    /** tanh x; d/dx = 1 - tanh²x. */
    public static Variable tanh(Variable x) {
        return unary("tanh", UnaryOp.TANH, x);
    }

    /** σ(x) = 1/(1 + e^-x); d/dx = σ(1 - σ). */
    public static Variable sigmoid(Variable x) {
        return unary("sigmoid", UnaryOp.SIGMOID, x);
    }

    /** max(x, 0); d/dx = 1 where x > 0, else 0 (read from the output: y > 0 exactly where x > 0). */
    public static Variable relu(Variable x) {
        Tensor out = Elementwise.relu(x.data());
        return Node.record("relu", out, new Tensor[] {out},
                g -> new Tensor[] {Elementwise.unaryBackward(UnaryOp.RELU, out, g)}, x);
    }

    /** Exact GELU x·Φ(x); d/dx = Φ(x) + x·φ(x), φ the standard normal density. */
    public static Variable gelu(Variable x) {
        return unary("gelu", UnaryOp.GELU_ERF, x);
    }

    /**
     * Tanh GELU y = x/2·(1 + t), t = tanh(√(2/π)(x + 0.044715x³));
     * d/dx = (1 + t)/2 + x/2·(1 - t²)·√(2/π)(1 + 3·0.044715x²).
     */
    public static Variable geluTanh(Variable x) {
        return unary("gelu_tanh", UnaryOp.GELU_TANH, x);
    }

    /** SiLU x·σ(x); d/dx = σ(x)·(1 + x·(1 - σ(x))). */
    public static Variable silu(Variable x) {
        return unary("silu", UnaryOp.SILU, x);
    }

    /** sin x; d/dx = cos x. */
    public static Variable sin(Variable x) {
        return unary("sin", UnaryOp.SIN, x);
    }

    /** cos x; d/dx = -sin x. */
    public static Variable cos(Variable x) {
        return unary("cos", UnaryOp.COS, x);
    }

    /** erf x; d/dx = 2/√π·e^(-x²). */
    public static Variable erf(Variable x) {
        return unary("erf", UnaryOp.ERF, x);
    }

    /**
     * A unary op whose backward is tensor-core's fused {@code unaryBackward}: g·op'(x) in one pass over
     * the saved input (the derivative formulas live in ScalarMath.derivative and VectorMath.derivative).
     */
    private static Variable unary(String name, UnaryOp op, Variable x) {
        Tensor in = x.data();
        return Node.record(name, Elementwise.unary(op, in), new Tensor[] {in},
                g -> new Tensor[] {Elementwise.unaryBackward(op, in, g)}, x);
    }

    /** min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi (bounds included, as in PyTorch). */
    public static Variable clamp(Variable x, float lo, float hi) {
        Tensor in = x.data();
        return Node.record("clamp", Elementwise.clamp(in, lo, hi), new Tensor[] {in}, g -> {
            Tensor outside = Elementwise.compare(CompareOp.LT, in, lo);
            Tensor above = Elementwise.compare(CompareOp.GT, in, hi);
            return new Tensor[] {Elementwise.maskedFill(Elementwise.maskedFill(g, outside, 0f), above, 0f)};
        }, x);
    }

    // ------------------------------------------------------------ selection

    /** condition ? a : b (broadcasting); each input's gradient is g where it was chosen, else 0. */
    public static Variable where(Tensor condition, Variable a, Variable b) {
        int[] as = a.shape(), bs = b.shape();
        Tensor out = Elementwise.where(condition, a.data(), b.data());
        return Node.record("where", out, new Tensor[] {condition}, g -> {
            Tensor zero = Tensor.scalar(0f);
            return new Tensor[] {
                    a.requiresGrad() ? sumToShape(Elementwise.where(condition, g, zero), as) : null,
                    b.requiresGrad() ? sumToShape(Elementwise.where(condition, zero, g), bs) : null};
        }, a, b);
    }

    /** x with {@code value} where {@code mask} is true; the gradient is 0 at the filled places. */
    public static Variable maskedFill(Variable x, Tensor mask, float value) {
        return Node.record("masked_fill", Elementwise.maskedFill(x.data(), mask, value), new Tensor[] {mask},
                g -> new Tensor[] {Elementwise.maskedFill(g, mask, 0f)}, x);
    }

    private static Tensor times(Tensor a, Tensor b) {
        return Elementwise.mul(a, b);
    }

    private static Tensor times(Tensor a, float c) {
        return Elementwise.mul(a, c);
    }
}
