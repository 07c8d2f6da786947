package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.ElementwiseOnnxOps.floatUnary;
import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;

import java.util.List;

/**
 * Activations with attributes, written from differentiable primitives (so each has its gradient for free):
 * LeakyRelu, PRelu, Elu, Selu, Celu, ThresholdedRelu, HardSigmoid, HardSwish, Mish, Gelu, Clip.
 */
final class ActivationOnnxOps {
    private ActivationOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("LeakyRelu", 6, (node, in, opset) -> {
            float alpha = node.floatAttribute("alpha", 0.01f);
            Variable x = Values.requireFloat(node, input(node, in, 0), "input");
            // relu(x) - α·relu(-x) = x for x ≥ 0, α·x below.
            return one(MathOps.sub(MathOps.relu(x), MathOps.mul(MathOps.relu(MathOps.neg(x)), alpha)));
        });
        r.add("PRelu", 9, (node, in, opset) -> {
            Variable x = Values.requireFloat(node, input(node, in, 0), "input");
            Variable slope = input(node, in, 1);
            Tensor negative = Elementwise.compare(CompareOp.LT, x.data(), 0f);
            return one(MathOps.where(negative, MathOps.mul(x, slope), x));
        });
        r.add("Elu", 6, (node, in, opset) -> one(elu(input(node, in, 0), node.floatAttribute("alpha", 1f), 1f)));
        r.add("Celu", 12, (node, in, opset) -> {
            float alpha = node.floatAttribute("alpha", 1f);
            return one(elu(input(node, in, 0), alpha, 1f / alpha));
        });
        r.add("Selu", 6, (node, in, opset) -> {
            float alpha = node.floatAttribute("alpha", 1.67326319217681884765625f);
            float gamma = node.floatAttribute("gamma", 1.05070102214813232421875f);
            return one(MathOps.mul(elu(input(node, in, 0), alpha, 1f), gamma));
        });
        r.add("ThresholdedRelu", 10, (node, in, opset) -> {
            Variable x = input(node, in, 0);
            Tensor below = Elementwise.compare(CompareOp.LE, x.data(), node.floatAttribute("alpha", 1f));
            return one(MathOps.maskedFill(x, below, 0f));
        });
        r.add("HardSigmoid", 6, (node, in, opset) -> one(hardSigmoid(input(node, in, 0),
                node.floatAttribute("alpha", 0.2f), node.floatAttribute("beta", 0.5f))));
        r.add("HardSwish", 14, floatUnary(x -> MathOps.mul(x, hardSigmoid(x, 1f / 6, 0.5f))));
        r.add("Mish", 18, floatUnary(x -> MathOps.mul(x, MathOps.tanh(MathOps.log(MathOps.add(MathOps.exp(x), 1f))))));
        r.add("Gelu", 20, new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                String approximate = node.stringAttribute("approximate", "none");
                return approximate.equals("none") || approximate.equals("tanh") ? null
                        : "approximate='" + approximate + "'";
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                Variable x = Values.requireFloat(node, input(node, in, 0), "input");
                return one(node.stringAttribute("approximate", "none").equals("tanh") ? MathOps.geluTanh(x)
                        : MathOps.gelu(x));
            }
        });
        r.add("Clip", 6, ActivationOnnxOps::clip);
    }

    /** x for x > 0, α·(e^(x·scale) - 1) otherwise (Elu and Selu: scale 1; Celu: 1/α). */
    private static Variable elu(Variable x, float alpha, float scale) {
        Tensor positive = Elementwise.compare(CompareOp.GT, x.data(), 0f);
        Variable negativePart = MathOps.mul(MathOps.add(MathOps.exp(MathOps.mul(x, scale)), -1f), alpha);
        return MathOps.where(positive, x, negativePart);
    }

    private static Variable hardSigmoid(Variable x, float alpha, float beta) {
        return MathOps.clamp(MathOps.add(MathOps.mul(x, alpha), beta), 0f, 1f);
    }

    /** Clip: bounds are attributes before opset 11 and optional scalar inputs from 11 on. */
    private static List<Variable> clip(OnnxNode node, List<Variable> in, long opset) {
        Variable x = input(node, in, 0);
        double lo;
        double hi;
        if (opset < 11) {
            lo = node.floatAttribute("min", Float.NEGATIVE_INFINITY);
            hi = node.floatAttribute("max", Float.POSITIVE_INFINITY);
        } else {
            Variable min = Values.optional(in, 1);
            Variable max = Values.optional(in, 2);
            lo = min == null ? Double.NEGATIVE_INFINITY : Values.scalar(node, min, "min");
            hi = max == null ? Double.POSITIVE_INFINITY : Values.scalar(node, max, "max");
        }
        if (Values.isFloat(x)) {
            return one(MathOps.clamp(x, (float) lo, (float) hi));
        }
        long[] values = Values.longs(node, x, "input");
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.min(Math.max(values[i], lo), hi);
        }
        return one(Values.constant(Tensor.fromLongs(values, x.shape())));
    }
}
