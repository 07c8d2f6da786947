package dev.cortado.models.onnx.ops;

import static dev.cortado.models.onnx.ops.Values.input;
import static dev.cortado.models.onnx.ops.Values.one;

import dev.cortado.autograd.IndexOps;
import dev.cortado.autograd.JoinOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Indexing: Gather, GatherElements, Slice, Tile, Range, ArgMax, ArgMin. Gathers go through autograd's
 * {@link IndexOps} (any dtype; float values get scatter-add gradients); negative indices count from the end.
 */
final class IndexOnnxOps {
    private IndexOnnxOps() {
    }

    static void register(OnnxOpRegistry r) {
        r.add("Gather", 1, (node, in, opset) -> {
            Variable data = input(node, in, 0);
            Variable indices = input(node, in, 1);
            int axis = Values.normalizeAxis(node, node.intAttribute("axis", 0), data.dim());
            Tensor index = wrapIndices(node, indices, data.shape()[axis]);
            // out = data[..., indices..., ...]: select along axis with the flattened indices, then unflatten.
            Variable picked = IndexOps.indexSelect(data, axis, index.reshape(-1));
            int[] shape = data.shape();
            int[] out = new int[shape.length - 1 + index.dim()];
            System.arraycopy(shape, 0, out, 0, axis);
            System.arraycopy(index.shape(), 0, out, axis, index.dim());
            System.arraycopy(shape, axis + 1, out, axis + index.dim(), shape.length - axis - 1);
            return one(ShapeOps.reshape(picked, out));
        });
        r.add("GatherElements", 11, (node, in, opset) -> {
            Variable data = input(node, in, 0);
            int axis = Values.normalizeAxis(node, node.intAttribute("axis", 0), data.dim());
            return one(IndexOps.gather(data, axis, wrapIndices(node, input(node, in, 1), data.shape()[axis])));
        });
        r.add("Slice", 10, IndexOnnxOps::slice);
        r.add("Tile", 6, (node, in, opset) -> {
            Variable x = input(node, in, 0);
            long[] repeats = Values.longs(node, input(node, in, 1), "repeats");
            Variable out = x;
            for (int d = 0; d < repeats.length; d++) {
                if (repeats[d] != 1) {
                    out = JoinOps.cat(d, Collections.nCopies((int) repeats[d], out));
                }
            }
            return one(out);
        });
        r.add("Range", 11, (node, in, opset) -> {
            double start = Values.scalar(node, input(node, in, 0), "start");
            double limit = Values.scalar(node, input(node, in, 1), "limit");
            double delta = Values.scalar(node, input(node, in, 2), "delta");
            double count = Math.max(0, Math.ceil((limit - start) / delta));
            if (delta == 0 || !(count < Integer.MAX_VALUE - 8)) {
                throw new IllegalArgumentException(node.describe() + ": range(" + start + ", " + limit + ", " + delta
                        + ") has " + (delta == 0 ? "delta 0" : count + " elements"));
            }
            int n = (int) count;
            boolean isFloat = Values.isFloat(input(node, in, 0));
            float[] floats = new float[n];
            long[] longs = new long[n];
            for (int i = 0; i < n; i++) {
                floats[i] = (float) (start + i * delta);
                longs[i] = (long) (start + i * delta);
            }
            return one(Values.constant(isFloat ? Tensor.fromArray(floats, n) : Tensor.fromLongs(longs, n)));
        });
        r.add("ArgMax", 11, argExtreme(true));
        r.add("ArgMin", 11, argExtreme(false));
    }

    /** The indices as int64 with negative entries wrapped ({@code i + size}). */
    private static Tensor wrapIndices(OnnxNode node, Variable indices, int size) {
        long[] values = Values.longs(node, indices, "indices");
        for (int i = 0; i < values.length; i++) {
            if (values[i] < -size || values[i] >= size) {
                throw new IllegalArgumentException(node.describe() + ": index " + values[i]
                        + " out of range for size " + size);
            }
            values[i] = values[i] < 0 ? values[i] + size : values[i];
        }
        return Tensor.fromLongs(values, indices.shape());
    }

    /**
     * Slice (inputs starts, ends, axes, steps; ONNX clamps out-of-range bounds). Positive steps are strided
     * views; negative steps select the indices explicitly.
     */
    private static List<Variable> slice(OnnxNode node, List<Variable> in, long opset) {
        Variable x = input(node, in, 0);
        long[] starts = Values.longs(node, input(node, in, 1), "starts");
        long[] ends = Values.longs(node, input(node, in, 2), "ends");
        Variable axesInput = Values.optional(in, 3);
        Variable stepsInput = Values.optional(in, 4);
        long[] axes = axesInput == null ? null : Values.longs(node, axesInput, "axes");
        long[] steps = stepsInput == null ? null : Values.longs(node, stepsInput, "steps");
        if (ends.length != starts.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw new IllegalArgumentException(node.describe() + ": starts " + Arrays.toString(starts) + ", ends "
                    + Arrays.toString(ends) + ", axes " + Arrays.toString(axes) + " and steps "
                    + Arrays.toString(steps) + " must have the same length");
        }
        Variable out = x;
        for (int i = 0; i < starts.length; i++) {
            int axis = Values.normalizeAxis(node, axes == null ? i : axes[i], x.dim());
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new IllegalArgumentException(node.describe() + ": step 0 on axis " + axis);
            }
            long size = x.shape()[axis];
            long start = starts[i] < 0 ? starts[i] + size : starts[i];
            long end = ends[i] < 0 ? ends[i] + size : ends[i];
            if (step > 0) {
                start = Math.max(0, Math.min(size, start));
                end = Math.max(start, Math.min(size, end));
                out = ShapeOps.slice(out, axis, (int) start, (int) end, (int) step);
            } else {
                start = Math.max(-1, Math.min(size - 1, start));
                end = Math.max(-1, Math.min(size - 1, end));
                List<Long> picked = new ArrayList<>();
                for (long p = start; p > end; p += step) {
                    picked.add(p);
                }
                long[] index = picked.stream().mapToLong(Long::longValue).toArray();
                out = IndexOps.indexSelect(out, axis, Tensor.fromLongs(index, index.length));
            }
        }
        return one(out);
    }

    private static OnnxOp argExtreme(boolean max) {
        return new OnnxOp() {
            @Override
            public String refusal(OnnxNode node, long opset) {
                return node.intAttribute("select_last_index", 0) != 0 ? "select_last_index=1" : null;
            }

            @Override
            public List<Variable> apply(OnnxNode node, List<Variable> in, long opset) {
                Variable x = Values.requireFloat(node, input(node, in, 0), "input");
                int axis = Values.normalizeAxis(node, node.intAttribute("axis", 0), x.dim());
                boolean keep = node.intAttribute("keepdims", 1) != 0;
                Tensor result = max ? Reductions.argmax(x.data(), axis, keep) : Reductions.argmin(x.data(), axis, keep);
                return one(Values.constant(result.dtype() == DType.INT64 ? result : result.to(DType.INT64)));
            }
        };
    }
}
