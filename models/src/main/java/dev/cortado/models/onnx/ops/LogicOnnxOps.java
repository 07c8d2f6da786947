package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.isFloat;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxDataType;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Comparisons, boolean logic, Where and type casts. Comparisons and logic produce bool constants (no
 * gradient); Where passes gradients to its two float branches; Cast between float types keeps the gradient.
 */
final class LogicOnnxOps {
    /** Cast targets whose values Cortado represents exactly (FLOAT16 is rounded to half precision). */
    private static final Set<OnnxDataType> CAST_TARGETS = EnumSet.of(OnnxDataType.FLOAT, OnnxDataType.DOUBLE,
            OnnxDataType.FLOAT16, OnnxDataType.INT32, OnnxDataType.INT64, OnnxDataType.BOOL);

    private LogicOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("Equal", 7, compare(CompareOp.EQ));
        r.add("Less", 7, compare(CompareOp.LT));
        r.add("LessOrEqual", 12, compare(CompareOp.LE));
        r.add("Greater", 7, compare(CompareOp.GT));
        r.add("GreaterOrEqual", 12, compare(CompareOp.GE));
        r.add("Not", 1, (node, in, opset) -> {
            boolean[] values = bools(node, input(node, in, 0));
            for (int i = 0; i < values.length; i++) {
                values[i] = !values[i];
            }
            return one(Values.constant(Tensor.fromBooleans(values, input(node, in, 0).shape())));
        });
        r.add("And", 7, logic((a, b) -> a & b));
        r.add("Or", 7, logic((a, b) -> a | b));
        r.add("Xor", 7, logic((a, b) -> a ^ b));
        r.add("Where", 9, (node, in, opset) -> {
            Tensor condition = input(node, in, 0).data().requireDType(node.describe() + " condition", DType.BOOL);
            Variable a = input(node, in, 1);
            Variable b = input(node, in, 2);
            if (isFloat(a) && isFloat(b)) {
                return one(MathOps.where(condition, a, b));
            }
            return one(Values.constant(Elementwise.where(condition, a.data(), b.data())));
        });
        r.add("Cast", 6, new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                OnnxDataType to = OnnxDataType.fromCode((int) node.intAttribute("to", 0));
                return CAST_TARGETS.contains(to) ? null : "cast to " + to;
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                return one(cast(input(node, in, 0), OnnxDataType.fromCode((int) node.intAttribute("to", 0))));
            }
        });
        r.add("CastLike", 15, (node, in, opset) -> {
            DType target = input(node, in, 1).data().dtype();
            Variable x = input(node, in, 0);
            return one(x.data().dtype() == target ? x : Values.constant(x.data().to(target)));
        });
        r.add("IsNaN", 9, floatTest(Float::isNaN));
        r.add("IsInf", 10, (node, in, opset) -> {
            boolean positive = node.intAttribute("detect_positive", 1) != 0;
            boolean negative = node.intAttribute("detect_negative", 1) != 0;
            return floatTest(v -> (positive && v == Float.POSITIVE_INFINITY) || (negative && v == Float.NEGATIVE_INFINITY))
                    .apply(node, in, opset);
        });
    }

    private static Variable cast(Variable x, OnnxDataType to) {
        DType target = to.cortadoType();
        if (target == DType.FLOAT32 && isFloat(x)) {
            // Float → float keeps the graph (and the gradient); half precision only rounds the values.
            return to == OnnxDataType.FLOAT16 ? Values.constant(roundToHalf(x.data())) : x;
        }
        Tensor converted = Values.convert(x.data(), target);
        return Values.constant(to == OnnxDataType.FLOAT16 ? roundToHalf(converted) : converted);
    }

    private static Tensor roundToHalf(Tensor t) {
        float[] values = t.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.float16ToFloat(Float.floatToFloat16(values[i]));
        }
        return Tensor.fromArray(values, t.shape());
    }

    /** a op b as bool; bool operands are compared as 0/1 integers. */
    private static OnnxOp compare(CompareOp op) {
        return (node, in, opset) -> {
            Tensor a = asComparable(input(node, in, 0).data());
            Tensor b = asComparable(input(node, in, 1).data());
            if (a.dtype() != b.dtype()) {
                throw new IllegalArgumentException(node.describe() + ": operands " + a.dtype() + " "
                        + Shapes.str(a.shape()) + " and " + b.dtype() + " " + Shapes.str(b.shape()) + " differ in type");
            }
            return one(Values.constant(Elementwise.compare(op, a, b)));
        };
    }

    private static Tensor asComparable(Tensor t) {
        return t.dtype() == DType.BOOL ? t.to(DType.INT64) : t;
    }

    private interface BoolOp {
        boolean apply(boolean a, boolean b);
    }

    private static OnnxOp logic(BoolOp op) {
        return (node, in, opset) -> {
            Tensor a = input(node, in, 0).data();
            Tensor b = input(node, in, 1).data();
            int[] shape = Shapes.broadcast(node.opType(), a.shape(), b.shape());
            boolean[] x = bools(node, Values.constant(a.expand(shape)));
            boolean[] y = bools(node, Values.constant(b.expand(shape)));
            boolean[] out = new boolean[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = op.apply(x[i], y[i]);
            }
            return one(Values.constant(Tensor.fromBooleans(out, shape)));
        };
    }

    private static boolean[] bools(OnnxNode node, Variable v) {
        return v.data().requireDType(node.describe(), DType.BOOL).toBooleanArray();
    }

    private interface FloatTest {
        boolean test(float v);
    }

    private static OnnxOp floatTest(FloatTest test) {
        return (node, in, opset) -> {
            Variable x = Values.requireFloat(node, input(node, in, 0), "input");
            float[] values = x.data().toFloatArray();
            boolean[] out = new boolean[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = test.test(values[i]);
            }
            return one(Values.constant(Tensor.fromBooleans(out, x.shape())));
        };
    }
}
