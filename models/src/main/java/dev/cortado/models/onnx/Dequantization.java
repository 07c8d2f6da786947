package dev.cortado.models.onnx;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quantized weights as exported by ONNX quantization tools: an INT8/UINT8 initializer {@code x} consumed by a
 * {@code DequantizeLinear(x, x_scale, x_zero_point; axis)} node whose scale and zero point are initializers
 * too. {@link #constantWeights} gives the float weight each such node produces, by the node's output name,
 * so importers can map it like any float initializer.
 */
public final class Dequantization {
    private Dequantization() {
    }

    /**
     * {@code y = (x − zeroPoint) · scale}, per tensor when {@code scale} has one element, per channel along
     * {@code axis} (negative counts from the end) when it is 1-D of length {@code x.shape[axis]}.
     *
     * @param zeroPoint the zero point, shaped like {@code scale}; null means 0
     */
    public static Tensor dequantizeLinear(OnnxTensor x, OnnxTensor scale, OnnxTensor zeroPoint, int axis) {
        Tensor values = x.values();
        if (values.dtype() != DType.INT64) {
            throw new IllegalArgumentException("DequantizeLinear: x '" + x.name() + "' is " + x.dataType()
                    + ", expected an integer type");
        }
        long[] q = values.toLongArray();
        float[] scales = scale.values().to(DType.FLOAT32).toFloatArray();
        long[] zeros = zeroPoint == null ? new long[scales.length] : zeroPoint.values().toLongArray();
        int[] shape = values.shape();
        int channels = 1;
        int inner = 1;
        if (scales.length != 1) {
            int dim = axis < 0 ? axis + shape.length : axis;
            if (dim < 0 || dim >= shape.length || scale.values().dim() != 1 || shape[dim] != scales.length) {
                throw new IllegalArgumentException("DequantizeLinear: scale '" + scale.name() + "' of shape "
                        + java.util.Arrays.toString(scale.shape()) + " does not match axis " + axis + " of x shape "
                        + java.util.Arrays.toString(shape));
            }
            channels = scales.length;
            for (int d = dim + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        if (zeros.length != scales.length) {
            throw new IllegalArgumentException("DequantizeLinear: zero point '" + zeroPoint.name() + "' has "
                    + zeros.length + " values, scale '" + scale.name() + "' " + scales.length);
        }
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            int channel = (i / inner) % channels;
            out[i] = (q[i] - zeros[channel]) * scales[channel];
        }
        return Tensor.fromArray(out, shape);
    }

    /**
     * The float weights of every DequantizeLinear node in {@code graph} whose inputs are all initializers,
     * keyed by the node's output name (data type FLOAT).
     */
    public static Map<String, OnnxTensor> constantWeights(OnnxGraph graph) {
        Map<String, OnnxTensor> weights = new LinkedHashMap<>();
        Map<String, OnnxTensor> initializers = graph.initializers();
        for (OnnxNode node : graph.nodes()) {
            if (!node.opType().equals("DequantizeLinear") || !node.domain().isEmpty()) {
                continue;
            }
            var inputs = node.inputs();
            boolean constant = inputs.stream().allMatch(name -> name.isEmpty() || initializers.containsKey(name));
            if (!constant || inputs.size() < 2 || inputs.get(0).isEmpty() || inputs.get(1).isEmpty()
                    || node.outputs().isEmpty()) {
                continue;
            }
            OnnxTensor x = initializers.get(inputs.get(0));
            OnnxTensor zeroPoint = inputs.size() > 2 && !inputs.get(2).isEmpty() ? initializers.get(inputs.get(2))
                    : null;
            Tensor y = dequantizeLinear(x, initializers.get(inputs.get(1)), zeroPoint,
                    (int) node.intAttribute("axis", 1));
            String output = node.outputs().get(0);
            weights.put(output, new OnnxTensor(output, OnnxDataType.FLOAT, y));
        }
        return weights;
    }
}
