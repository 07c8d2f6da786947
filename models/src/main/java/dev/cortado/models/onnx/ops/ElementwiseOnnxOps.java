package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.isFloat;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.UnaryOperator;

/**
 * Elementwise arithmetic and activations. Float32 values use autograd's {@link MathOps} (differentiable);
 * int64 values are computed directly (Add, Sub, Mul, Div truncating toward zero, Max, Min, Abs, Neg).
 * Piecewise-constant functions (Floor, Ceil, Round, Sign) have zero gradient and return constants.
 */
final class ElementwiseOnnxOps {
    private ElementwiseOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("Add", 7, binary(MathOps::add, Math::addExact));
        r.add("Sub", 7, binary(MathOps::sub, Math::subtractExact));
        r.add("Mul", 7, binary(MathOps::mul, Math::multiplyExact));
        r.add("Div", 7, binary(MathOps::div, ElementwiseOnnxOps::divide));
        r.add("Pow", 7, ElementwiseOnnxOps::pow);
        r.add("Max", 8, variadic(MathOps::maximum, Math::max));
        r.add("Min", 8, variadic(MathOps::minimum, Math::min));
        r.add("Sum", 8, variadic(MathOps::add, Math::addExact));
        r.add("Mean", 8, (node, in, opset) -> {
            Variable sum = variadic(MathOps::add, null).apply(node, in, opset).get(0);
            return one(MathOps.mul(sum, 1f / in.size()));
        });

        r.add("Neg", 6, unary(MathOps::neg, x -> -x));
        r.add("Abs", 6, unary(MathOps::abs, Math::abs));
        r.add("Exp", 6, floatUnary(MathOps::exp));
        r.add("Log", 6, floatUnary(MathOps::log));
        r.add("Sqrt", 6, floatUnary(MathOps::sqrt));
        r.add("Reciprocal", 6, floatUnary(x -> MathOps.pow(x, -1f)));
        r.add("Tanh", 6, floatUnary(MathOps::tanh));
        r.add("Sigmoid", 6, floatUnary(MathOps::sigmoid));
        r.add("Relu", 6, floatUnary(MathOps::relu));
        r.add("Erf", 9, floatUnary(MathOps::erf));
        r.add("Sin", 7, floatUnary(MathOps::sin));
        r.add("Cos", 7, floatUnary(MathOps::cos));
        r.add("Tan", 7, floatUnary(x -> MathOps.div(MathOps.sin(x), MathOps.cos(x))));
        r.add("Sinh", 9, floatUnary(x -> MathOps.mul(MathOps.sub(MathOps.exp(x), MathOps.exp(MathOps.neg(x))), 0.5f)));
        r.add("Cosh", 9, floatUnary(x -> MathOps.mul(MathOps.add(MathOps.exp(x), MathOps.exp(MathOps.neg(x))), 0.5f)));
        r.add("Softplus", 1, floatUnary(x -> MathOps.log(MathOps.add(MathOps.exp(x), 1f))));
        r.add("Softsign", 1, floatUnary(x -> MathOps.div(x, MathOps.add(MathOps.abs(x), 1f))));
        r.add("Floor", 6, constantUnary(Math::floor));
        r.add("Ceil", 6, constantUnary(Math::ceil));
        r.add("Round", 11, constantUnary(Math::rint));
        r.add("Sign", 9, constantUnary(Math::signum));
        ActivationOnnxOps.register(r);
    }

    private static long divide(long a, long b) {
        if (b == 0) {
            throw new IllegalArgumentException("Div: integer division by zero");
        }
        return a / b;
    }

    /** Two float32 inputs → {@code floatOp}; two int64 inputs → {@code longOp} (null: float only). */
    static OnnxOp binary(BinaryOperator<Variable> floatOp, LongBinaryOperator longOp) {
        return (node, in, opset) -> one(apply(node, input(node, in, 0), input(node, in, 1), floatOp, longOp));
    }

    private static Variable apply(OnnxNode node, Variable a, Variable b, BinaryOperator<Variable> floatOp,
                                  LongBinaryOperator longOp) {
        if (isFloat(a) && isFloat(b)) {
            return floatOp.apply(a, b);
        }
        if (longOp != null && a.data().dtype() == DType.INT64 && b.data().dtype() == DType.INT64) {
            return Values.constant(Values.longBinary(node.opType(), a.data(), b.data(), longOp));
        }
        throw new IllegalArgumentException(node.describe() + ": unsupported input types " + a.data().dtype() + " "
                + Shapes.str(a.shape()) + " and " + b.data().dtype() + " " + Shapes.str(b.shape()));
    }

    /** A left fold over one or more inputs (Max, Min, Sum, Mean). */
    private static OnnxOp variadic(BinaryOperator<Variable> floatOp, LongBinaryOperator longOp) {
        return (node, in, opset) -> {
            Variable acc = input(node, in, 0);
            for (int i = 1; i < in.size(); i++) {
                acc = apply(node, acc, input(node, in, i), floatOp, longOp);
            }
            return one(acc);
        };
    }

    /** Pow: a float base with a float or int exponent (cast to float); an int base is computed exactly. */
    private static List<Variable> pow(OnnxNode node, List<Variable> in, long opset) {
        Variable base = input(node, in, 0);
        Variable exponent = input(node, in, 1);
        if (isFloat(base)) {
            Variable e = isFloat(exponent) ? exponent : Values.constant(exponent.data().to(DType.FLOAT32));
            if (!e.requiresGrad() && e.data().numel() == 1 && e.data().dim() <= base.data().dim()) {
                // A constant scalar exponent (LayerNorm's x^2 in exported BERTs) takes the fast scalar form.
                return one(MathOps.pow(base, e.data().item()));
            }
            return one(MathOps.pow(base, e));
        }
        Tensor e = Values.convert(exponent.data(), DType.INT64);
        return one(Values.constant(Values.longBinary("Pow", base.data(), e, (a, b) -> (long) Math.pow(a, b))));
    }

    static OnnxOp floatUnary(UnaryOperator<Variable> f) {
        return (node, in, opset) -> one(f.apply(Values.requireFloat(node, input(node, in, 0), "input")));
    }

    private static OnnxOp unary(UnaryOperator<Variable> f, java.util.function.LongUnaryOperator longOp) {
        return (node, in, opset) -> {
            Variable x = input(node, in, 0);
            if (isFloat(x)) {
                return one(f.apply(x));
            }
            long[] values = Values.longs(node, x, "input");
            for (int i = 0; i < values.length; i++) {
                values[i] = longOp.applyAsLong(values[i]);
            }
            return one(Values.constant(Tensor.fromLongs(values, x.shape())));
        };
    }

    /** A piecewise-constant function: its gradient is zero almost everywhere, so the result is a constant. */
    private static OnnxOp constantUnary(DoubleUnaryOperator f) {
        return (node, in, opset) -> {
            Variable x = Values.requireFloat(node, input(node, in, 0), "input");
            float[] values = x.data().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) f.applyAsDouble(values[i]);
            }
            return one(Values.constant(Tensor.fromArray(values, x.shape())));
        };
    }
}
