package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.SoftmaxOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.Shapes;

import java.util.Arrays;

/**
 * Reductions (ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceL1, ReduceL2, ReduceSumSquare,
 * ReduceLogSum, ReduceLogSumExp) and Softmax/LogSoftmax, all differentiable through autograd.
 *
 * <p>Axes: an attribute until opset 12 for ReduceSum (an optional input from 13) and until 17 for the
 * others (an input from 18). No axes means all of them, unless {@code noop_with_empty_axes} = 1.
 */
final class ReduceOnnxOps {
    private interface Reduction {
        Variable apply(Variable x, int[] dims, boolean keepDim);
    }

    private ReduceOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("ReduceSum", 1, reduce(13, ReductionOps::sum));
        r.add("ReduceMean", 1, reduce(18, ReductionOps::mean));
        r.add("ReduceMax", 1, reduce(18, ReductionOps::max));
        r.add("ReduceMin", 1, reduce(18, ReductionOps::min));
        r.add("ReduceL1", 1, reduce(18, (x, dims, keep) -> ReductionOps.sum(MathOps.abs(x), dims, keep)));
        r.add("ReduceL2", 1, reduce(18, (x, dims, keep) -> MathOps.sqrt(ReductionOps.sum(MathOps.mul(x, x), dims, keep))));
        r.add("ReduceSumSquare", 1, reduce(18, (x, dims, keep) -> ReductionOps.sum(MathOps.mul(x, x), dims, keep)));
        r.add("ReduceLogSum", 1, reduce(18, (x, dims, keep) -> MathOps.log(ReductionOps.sum(x, dims, keep))));
        r.add("ReduceLogSumExp", 1, reduce(18, ReductionOps::logsumexp));
        r.add("Softmax", 1, softmax(false));
        r.add("LogSoftmax", 1, softmax(true));
    }

    private static OnnxOp reduce(long axesInputSince, Reduction reduction) {
        return (node, in, opset) -> {
            Variable x = Values.requireFloat(node, input(node, in, 0), "input");
            long[] axes = ShapeOnnxOps.axes(node, in, opset, axesInputSince);
            boolean keep = node.intAttribute("keepdims", 1) != 0;
            if (axes == null || axes.length == 0) {
                if (node.intAttribute("noop_with_empty_axes", 0) != 0) {
                    return one(x);
                }
                axes = new long[x.dim()];
                Arrays.setAll(axes, i -> i);
            }
            int[] dims = new int[axes.length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = Values.normalizeAxis(node, axes[i], x.dim());
            }
            if (x.dim() == 0) {
                return one(reduction.apply(ShapeOps.reshape(x, 1), new int[] {0}, false));
            }
            return one(reduction.apply(x, dims, keep));
        };
    }

    /**
     * Softmax along {@code axis} (default -1) from opset 13; before that the input is seen as a matrix
     * [d0·…·d(axis-1), d(axis)·…] (default axis 1) and normalised over its rows.
     */
    private static OnnxOp softmax(boolean log) {
        return (node, in, opset) -> {
            Variable x = Values.requireFloat(node, input(node, in, 0), "input");
            if (opset >= 13) {
                int axis = Values.normalizeAxis(node, node.intAttribute("axis", -1), x.dim());
                return one(log ? SoftmaxOps.logSoftmax(x, axis) : SoftmaxOps.softmax(x, axis));
            }
            int axis = Values.normalizeAxis(node, node.intAttribute("axis", 1), x.dim());
            int outer = Shapes.numel(Arrays.copyOfRange(x.shape(), 0, axis));
            Variable rows = ShapeOps.reshape(x, outer, -1);
            Variable y = log ? SoftmaxOps.logSoftmax(rows, 1) : SoftmaxOps.softmax(rows, 1);
            return one(ShapeOps.reshape(y, x.shape()));
        };
    }
}
