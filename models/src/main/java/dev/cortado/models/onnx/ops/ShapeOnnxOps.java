package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.JoinOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxAttribute;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.Shapes;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape and movement ops. Views (Reshape, Transpose, Squeeze, Expand, …) go through autograd's
 * {@link ShapeOps}, which works on any dtype and passes gradients of float values back; shape-valued
 * results (Shape, Size) are int64 constants.
 */
final class ShapeOnnxOps {
    private ShapeOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("Identity", 1, (node, in, opset) -> one(input(node, in, 0)));
        r.add("Dropout", 7, new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                // A training_mode input asks for random masks, which cannot match another runtime's.
                return node.inputs().size() > 2 && !node.inputs().get(2).isEmpty() ? "training_mode input" : null;
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                // Inference: the identity; the optional mask output is all true.
                Variable x = input(node, in, 0);
                return node.outputs().size() > 1 ? List.of(x, Values.constant(Tensor.fromBooleans(
                        trues(x.data().numel()), x.shape()))) : one(x);
            }
        });
        r.add("Shape", 1, (node, in, opset) -> {
            int[] shape = input(node, in, 0).shape();
            int start = clampAxis(node.intAttribute("start", 0), shape.length);
            int end = clampAxis(node.intAttribute("end", shape.length), shape.length);
            long[] dims = Arrays.stream(shape).asLongStream().toArray();
            return one(Values.constant(Tensor.fromLongs(Arrays.copyOfRange(dims, start, Math.max(start, end)),
                    Math.max(0, end - start))));
        });
        r.add("Size", 1, (node, in, opset) ->
                one(Values.constant(Tensor.fromLongs(new long[] {input(node, in, 0).data().numel()}))));
        r.add("Reshape", 5, ShapeOnnxOps::reshape);
        r.add("Flatten", 9, (node, in, opset) -> {
            Variable x = input(node, in, 0);
            long axisAttribute = node.intAttribute("axis", 1);
            // axis may equal the rank (everything in the outer dim); negatives count from the rank.
            if (axisAttribute < -x.dim()) {
                throw new IllegalArgumentException(node.describe() + ": axis " + axisAttribute
                        + " out of range for rank " + x.dim());
            }
            int axis = Values.normalizeAxis(node, axisAttribute < 0 ? axisAttribute + x.dim() : axisAttribute,
                    x.dim() + 1);
            int outer = Shapes.numel(Arrays.copyOfRange(x.shape(), 0, axis));
            return one(ShapeOps.reshape(x, outer, x.data().numel() / Math.max(outer, 1)));
        });
        r.add("Transpose", 1, (node, in, opset) -> {
            Variable x = input(node, in, 0);
            int[] perm = new int[x.dim()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = perm.length - 1 - i;
            }
            return one(ShapeOps.permute(x, Values.ints(node.intsAttribute("perm", Arrays.stream(perm)
                    .asLongStream().toArray()))));
        });
        r.add("Squeeze", 1, (node, in, opset) -> {
            Variable x = input(node, in, 0);
            long[] axes = axes(node, in, opset, 13);
            int[] shape = x.shape();
            List<Integer> kept = new ArrayList<>();
            boolean[] drop = new boolean[shape.length];
            if (axes == null) {
                for (int d = 0; d < shape.length; d++) {
                    drop[d] = shape[d] == 1;
                }
            } else {
                for (long axis : axes) {
                    int d = Values.normalizeAxis(node, axis, shape.length);
                    if (shape[d] != 1) {
                        throw new IllegalArgumentException(node.describe() + ": cannot squeeze axis " + axis
                                + " of shape " + Shapes.str(shape));
                    }
                    drop[d] = true;
                }
            }
            for (int d = 0; d < shape.length; d++) {
                if (!drop[d]) {
                    kept.add(shape[d]);
                }
            }
            return one(ShapeOps.reshape(x, kept.stream().mapToInt(Integer::intValue).toArray()));
        });
        r.add("Unsqueeze", 1, (node, in, opset) -> {
            Variable x = input(node, in, 0);
            long[] axes = axes(node, in, opset, 13);
            if (axes == null) {
                throw new IllegalArgumentException(node.describe() + ": axes are required");
            }
            int rank = x.dim() + axes.length;
            boolean[] inserted = new boolean[rank];
            for (long axis : axes) {
                int d = Values.normalizeAxis(node, axis, rank);
                if (inserted[d]) {
                    throw new IllegalArgumentException(node.describe() + ": axis " + axis + " repeated in axes "
                            + Arrays.toString(axes));
                }
                inserted[d] = true;
            }
            int[] shape = new int[rank];
            for (int d = 0, source = 0; d < rank; d++) {
                shape[d] = inserted[d] ? 1 : x.shape()[source++];
            }
            return one(ShapeOps.reshape(x, shape));
        });
        r.add("Expand", 8, (node, in, opset) -> {
            Variable x = input(node, in, 0);
            int[] target = Values.ints(Values.longs(node, input(node, in, 1), "shape"));
            int[] shape = Shapes.broadcast(node.describe(), x.shape(), target);
            return one(ShapeOps.expand(ShapeOps.reshape(x, padLeft(x.shape(), shape.length)), shape));
        });
        r.add("Concat", 4, (node, in, opset) -> {
            int axis = Values.normalizeAxis(node, node.intAttribute("axis", 0), input(node, in, 0).dim());
            return one(in.size() == 1 ? in.get(0) : JoinOps.cat(axis, in));
        });
        r.add("Split", 2, ShapeOnnxOps::split);
        r.add("Constant", 1, new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                return node.hasAttribute("value") || node.hasAttribute("value_float")
                        || node.hasAttribute("value_floats") || node.hasAttribute("value_int")
                        || node.hasAttribute("value_ints") ? null : "value kind " + node.attributes().keySet();
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                return one(Values.constant(constantValue(node)));
            }
        });
        r.add("ConstantOfShape", 9, (node, in, opset) -> {
            int[] shape = Values.ints(Values.longs(node, input(node, in, 0), "shape"));
            Tensor value = node.hasAttribute("value") ? node.tensorAttribute("value").values()
                    : Tensor.scalar(0f);
            return one(Values.constant(value.reshape(new int[0]).expand(shape).contiguous()));
        });
    }

    private static Tensor constantValue(OnnxNode node) {
        OnnxAttribute value = node.attributes().values().iterator().next();
        return switch (value) {
            case OnnxAttribute.TensorValue t -> t.value().values();
            case OnnxAttribute.FloatValue f -> Tensor.scalar(f.value());
            case OnnxAttribute.Floats f -> Tensor.fromArray(f.values(), f.values().length);
            case OnnxAttribute.IntValue i -> Tensor.fromLongs(new long[] {i.value()});
            case OnnxAttribute.Ints i -> Tensor.fromLongs(i.values(), i.values().length);
            default -> throw new IllegalArgumentException(node.describe() + ": unsupported constant " + value);
        };
    }

    private static List<Variable> reshape(OnnxNode node, List<Variable> in, long opset) {
        Variable x = input(node, in, 0);
        long[] target = Values.longs(node, input(node, in, 1), "shape");
        boolean allowZero = node.intAttribute("allowzero", 0) != 0;
        int[] shape = new int[target.length];
        for (int d = 0; d < shape.length; d++) {
            // 0 copies the input's size at that position unless allowzero is set.
            if (target[d] == 0 && !allowZero && d >= x.dim()) {
                throw new IllegalArgumentException(node.describe() + ": shape " + Arrays.toString(target)
                        + " copies dim " + d + " (0) of an input of rank " + x.dim() + " " + Shapes.str(x.shape()));
            }
            shape[d] = target[d] == 0 && !allowZero ? x.shape()[d] : Math.toIntExact(target[d]);
        }
        return one(ShapeOps.reshape(x, shape));
    }

    private static List<Variable> split(OnnxNode node, List<Variable> in, long opset) {
        Variable x = input(node, in, 0);
        int axis = Values.normalizeAxis(node, node.intAttribute("axis", 0), x.dim());
        long[] sizes = opset >= 13 ? (Values.optional(in, 1) == null ? null
                : Values.longs(node, in.get(1), "split")) : node.intsAttribute("split", null);
        if (sizes == null) {
            int parts = node.hasAttribute("num_outputs") ? (int) node.intAttribute("num_outputs", 1)
                    : node.outputs().size();
            int length = x.shape()[axis];
            int each = (length + parts - 1) / parts;
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.max(0, Math.min(each, length - (long) i * each));
            }
        }
        return JoinOps.split(x, Values.ints(sizes), axis);
    }

    /** Axes from the attribute (before {@code inputSince}) or the optional second input; null when absent. */
    static long[] axes(OnnxNode node, List<Variable> in, long opset, long inputSince) {
        if (opset < inputSince) {
            return node.intsAttribute("axes", null);
        }
        Variable axes = Values.optional(in, 1);
        return axes == null ? null : Values.longs(node, axes, "axes");
    }

    static int[] padLeft(int[] shape, int rank) {
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        System.arraycopy(shape, 0, out, rank - shape.length, shape.length);
        return out;
    }

    private static int clampAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return (int) Math.max(0, Math.min(rank, a));
    }

    private static boolean[] trues(int n) {
        boolean[] out = new boolean[n];
        Arrays.fill(out, true);
        return out;
    }
}
