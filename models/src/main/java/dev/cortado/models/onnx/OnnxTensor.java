package dev.cortado.models.onnx;

import dev.cortado.tensor.Tensor;

/**
 * A named ONNX tensor (an initializer, a tensor attribute or a test-data {@code .pb}) read into Cortado.
 *
 * @param name     the ONNX name ("" when the proto has none)
 * @param dataType the element type stored in the file; {@code values} holds it as
 *                 {@link OnnxDataType#cortadoType()} (e.g. UINT8 raw values 0..255 as INT64)
 * @param values   a dense tensor of the proto's shape
 */
public record OnnxTensor(String name, OnnxDataType dataType, Tensor values) {
    /** The tensor's shape (a copy). */
    public int[] shape() {
        return values.shape();
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + ", " + dataType + ", " + java.util.Arrays.toString(values.shape()) + "]";
    }
}
