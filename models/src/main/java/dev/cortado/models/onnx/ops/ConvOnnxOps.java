package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.ConvOps;
import dev.cortado.autograd.PoolOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;

import java.util.Arrays;
import java.util.List;

/**
 * Conv, MaxPool and AveragePool over 1-D ([N, C, L], run as height 1) and 2-D ([N, C, H, W]) inputs with
 * symmetric explicit padding ({@code auto_pad} NOTSET or VALID). Asymmetric pads, SAME padding, pooling
 * indices and column-major storage order are refused at load.
 */
final class ConvOnnxOps {
    private ConvOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("Conv", 1, new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                return geometryRefusal(node);
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                Variable x = Values.requireFloat(node, input(node, in, 0), "X");
                Variable w = Values.requireFloat(node, input(node, in, 1), "W");
                Variable bias = Values.optional(in, 2);
                boolean oneD = checkRank(node, x);
                int[] stride = pair(node, "strides", oneD, 1);
                int[] pad = pair(node, "pads", oneD, 0);
                int[] dilation = pair(node, "dilations", oneD, 1);
                if (oneD) {
                    x = ShapeOps.unsqueeze(x, 2);
                    w = ShapeOps.unsqueeze(w, 2);
                }
                Conv2dParams params = new Conv2dParams(stride[0], stride[1], pad[0], pad[1], dilation[0],
                        dilation[1], (int) node.intAttribute("group", 1));
                Variable y = ConvOps.conv2d(x, w, bias, params);
                return one(oneD ? ShapeOps.squeeze(y, 2) : y);
            }
        });
        r.add("MaxPool", 1, pool(true));
        r.add("AveragePool", 1, pool(false));
    }

    private static OnnxOp pool(boolean max) {
        return new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                if (max && node.intAttribute("storage_order", 0) != 0) {
                    return "storage_order=1";
                }
                if (!max && opset < 7 && node.hasAttribute("pads")) {
                    return "padding before opset 7 (count_include_pad undefined)";
                }
                String geometry = geometryRefusal(node);
                return geometry != null ? geometry : NnOnnxOps.onlyFirstOutput(node);
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                Variable input = input(node, in, 0);
                // Integer max pooling runs in float (exact for |values| < 2^24) and converts back.
                boolean integer = max && input.data().dtype() == DType.INT64;
                Variable x = integer ? Values.constant(input.data().to(DType.FLOAT32))
                        : Values.requireFloat(node, input, "X");
                boolean oneD = checkRank(node, x);
                int[] k = pair(node, "kernel_shape", oneD, 1);
                int[] stride = pair(node, "strides", oneD, 1);
                int[] pad = pair(node, "pads", oneD, 0);
                int[] dilation = pair(node, "dilations", oneD, 1);
                Pool2dParams params = new Pool2dParams(k[0], k[1], stride[0], stride[1], pad[0], pad[1],
                        dilation[0], dilation[1], node.intAttribute("ceil_mode", 0) != 0,
                        node.intAttribute("count_include_pad", 0) != 0);
                Variable x2 = oneD ? ShapeOps.unsqueeze(x, 2) : x;
                Variable y = max ? PoolOps.maxPool2d(x2, params) : PoolOps.avgPool2d(x2, params);
                y = oneD ? ShapeOps.squeeze(y, 2) : y;
                return one(integer ? Values.constant(y.data().to(DType.INT64)) : y);
            }
        };
    }

    /** Null when the node's padding and rank can run here, else the reason. */
    private static String geometryRefusal(OnnxNode node) {
        String autoPad = node.stringAttribute("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            return "auto_pad=" + autoPad;
        }
        long[] kernel = node.intsAttribute("kernel_shape", null);
        if (kernel != null && kernel.length > 2) {
            return kernel.length + "-D kernel";
        }
        long[] pads = node.intsAttribute("pads", null);
        if (pads != null) {
            int half = pads.length / 2;
            for (int i = 0; i < half; i++) {
                if (pads[i] != pads[i + half]) {
                    return "asymmetric pads " + Arrays.toString(pads);
                }
            }
            if (kernel != null && half == kernel.length && !node.opType().equals("Conv")) {
                for (int i = 0; i < half; i++) {
                    if (2 * pads[i] > kernel[i]) {
                        return "padding larger than half the kernel";
                    }
                }
            }
        }
        return null;
    }

    /** True for a 1-D input [N, C, L]; fails for ranks other than 3 and 4. */
    private static boolean checkRank(OnnxNode node, Variable x) {
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException(node.describe() + ": expected a 3-D or 4-D input, got "
                    + Shapes.str(x.shape()));
        }
        return x.dim() == 3;
    }

    /** (height, width) values from an attribute of 1 or 2 (or 2·rank for pads) entries; 1-D gets height 1/0. */
    private static int[] pair(OnnxNode node, String attribute, boolean oneD, int neutral) {
        long[] v = node.intsAttribute(attribute, null);
        if (v == null) {
            return new int[] {neutral, neutral};
        }
        int expected = (oneD ? 1 : 2) * (attribute.equals("pads") ? 2 : 1);
        if (v.length != expected) {
            throw new IllegalArgumentException(node.describe() + ": " + attribute + " " + Arrays.toString(v) + " needs "
                    + expected + " values for a " + (oneD ? "1" : "2") + "-D input");
        }
        return oneD ? new int[] {neutral == 1 ? 1 : 0, (int) v[0]} : new int[] {(int) v[0], (int) v[1]};
    }
}
