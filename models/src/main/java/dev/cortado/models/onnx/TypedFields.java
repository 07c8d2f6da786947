package dev.cortado.models.onnx;

import dev.cortado.models.onnx.proto.Onnx.TensorProto;
import dev.cortado.tensor.Tensor;
import java.nio.file.Path;

/**
 * Tensor values stored in a {@code TensorProto}'s typed fields rather than {@code raw_data}. The ONNX
 * specification assigns each element type one field: {@code float_data} for FLOAT; {@code int32_data} for
 * INT32, INT16, INT8, UINT16, UINT8, BOOL, and the bit patterns of FLOAT16 and BFLOAT16; {@code int64_data}
 * for INT64; {@code double_data} for DOUBLE; {@code uint64_data} for UINT32 and UINT64.
 */
final class TypedFields {
    private TypedFields() {
    }

    static Tensor read(TensorProto proto, OnnxDataType type, int count, int[] shape, Path file, String what) {
        int present = switch (type) {
            case FLOAT -> proto.getFloatDataCount();
            case INT64 -> proto.getInt64DataCount();
            case DOUBLE -> proto.getDoubleDataCount();
            case UINT32, UINT64 -> proto.getUint64DataCount();
            default -> proto.getInt32DataCount();
        };
        if (present != count) {
            throw new OnnxFormatException(file, what + " of shape " + java.util.Arrays.toString(shape) + " and type "
                    + type + " has " + present + " values in its typed field (and no raw_data), needs " + count);
        }
        switch (type) {
            case FLOAT -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = proto.getFloatData(i);
                }
                return Tensor.fromArray(values, shape);
            }
            case DOUBLE -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = (float) proto.getDoubleData(i);
                }
                return Tensor.fromArray(values, shape);
            }
            case FLOAT16, BFLOAT16 -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = OnnxTensors.halfToFloat(type, (short) proto.getInt32Data(i));
                }
                return Tensor.fromArray(values, shape);
            }
            case BOOL -> {
                boolean[] values = new boolean[count];
                for (int i = 0; i < count; i++) {
                    values[i] = proto.getInt32Data(i) != 0;
                }
                return Tensor.fromBooleans(values, shape);
            }
            case INT64 -> {
                long[] values = new long[count];
                for (int i = 0; i < count; i++) {
                    values[i] = proto.getInt64Data(i);
                }
                return Tensor.fromLongs(values, shape);
            }
            case UINT32, UINT64 -> {
                long[] values = new long[count];
                for (int i = 0; i < count; i++) {
                    values[i] = proto.getUint64Data(i);
                }
                return Tensor.fromLongs(values, shape);
            }
            default -> {
                // INT32 and the narrower integers: the int32 field holds the value itself.
                long[] values = new long[count];
                for (int i = 0; i < count; i++) {
                    values[i] = proto.getInt32Data(i);
                }
                return Tensor.fromLongs(values, shape);
            }
        }
    }
}
