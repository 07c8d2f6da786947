package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.LinalgOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.NormOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;

import java.util.Arrays;
import java.util.List;

/**
 * Neural-network ops: MatMul, Gemm, LayerNormalization, BatchNormalization (inference), and the global
 * poolings. Convolution and windowed pooling are in {@link ConvOnnxOps}.
 */
final class NnOnnxOps {
    private NnOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("MatMul", 1, (node, in, opset) -> one(LinalgOps.matmul(
                Values.requireFloat(node, input(node, in, 0), "A"), Values.requireFloat(node, input(node, in, 1), "B"))));
        r.add("Gemm", 7, NnOnnxOps::gemm);
        r.add("LayerNormalization", 17, new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                return onlyFirstOutput(node);
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                Variable x = Values.requireFloat(node, input(node, in, 0), "X");
                int axis = Values.normalizeAxis(node, node.intAttribute("axis", -1), x.dim());
                int[] normalized = Arrays.copyOfRange(x.shape(), axis, x.dim());
                Variable scale = ShapeOps.expand(ShapeOps.reshape(input(node, in, 1),
                        ShapeOnnxOps.padLeft(input(node, in, 1).shape(), normalized.length)), normalized);
                Variable bias = Values.optional(in, 2);
                Variable b = bias == null ? null : ShapeOps.expand(ShapeOps.reshape(bias,
                        ShapeOnnxOps.padLeft(bias.shape(), normalized.length)), normalized);
                return one(NormOps.layerNorm(x, normalized, scale, b, node.floatAttribute("epsilon", 1e-5f)));
            }
        });
        r.add("BatchNormalization", 9, new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                return node.intAttribute("training_mode", 0) != 0 ? "training_mode=1" : onlyFirstOutput(node);
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                return one(NormOps.batchNormInference(Values.requireFloat(node, input(node, in, 0), "X"),
                        input(node, in, 3).data(), input(node, in, 4).data(), input(node, in, 1), input(node, in, 2),
                        node.floatAttribute("epsilon", 1e-5f)));
            }
        });
        r.add("GlobalAveragePool", 1, (node, in, opset) -> one(global(node, in, true)));
        r.add("GlobalMaxPool", 1, (node, in, opset) -> one(global(node, in, false)));
        ConvOnnxOps.register(r);
    }

    /** Y = α·A'·B' + β·C, A' = Aᵀ when transA (likewise B), C broadcast to [M, N]. */
    private static List<Variable> gemm(OnnxNode node, List<Variable> in, long opset) {
        Variable a = Values.requireFloat(node, input(node, in, 0), "A");
        Variable b = Values.requireFloat(node, input(node, in, 1), "B");
        if (node.intAttribute("transA", 0) != 0) {
            a = ShapeOps.transpose(a, 0, 1);
        }
        if (node.intAttribute("transB", 0) != 0) {
            b = ShapeOps.transpose(b, 0, 1);
        }
        float alpha = node.floatAttribute("alpha", 1f);
        float beta = node.floatAttribute("beta", 1f);
        Variable y = LinalgOps.matmul(a, b);
        if (alpha != 1f) {
            y = MathOps.mul(y, alpha);
        }
        Variable c = Values.optional(in, 2);
        if (c != null) {
            y = MathOps.add(y, beta == 1f ? c : MathOps.mul(c, beta));
        }
        return one(y);
    }

    /** Mean or max over every spatial dim (all dims after N and C), keeping them as size 1. */
    private static Variable global(OnnxNode node, List<Variable> in, boolean average) {
        Variable x = Values.requireFloat(node, input(node, in, 0), "X");
        int[] spatial = new int[x.dim() - 2];
        Arrays.setAll(spatial, i -> i + 2);
        return average ? ReductionOps.mean(x, spatial, true) : ReductionOps.max(x, spatial, true);
    }

    /** Refuses nodes that ask for the optional extra outputs (saved statistics, indices). */
    static String onlyFirstOutput(OnnxNode node) {
        return node.outputs().stream().skip(1).anyMatch(name -> !name.isEmpty()) ? "extra outputs "
                + node.outputs().subList(1, node.outputs().size()) : null;
    }
}
