package dev.cortado.models.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.cortado.models.onnx.proto.Onnx.TensorProto;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads ONNX {@code TensorProto}s into {@link OnnxTensor}s, from {@code raw_data}, from the typed fields
 * ({@code float_data}, {@code int32_data}, {@code int64_data}, {@code double_data}, {@code uint64_data}) or
 * from external data files.
 *
 * <p>Every size claimed by the proto is checked against the bytes actually present before anything is
 * allocated: dimensions must be non-negative, their product must fit a Cortado tensor (below 2^31
 * elements), and {@code raw_data}, the typed field or the external region must hold exactly that many
 * elements. Any mismatch is an {@link OnnxFormatException} naming the file and the tensor.
 */
public final class OnnxTensors {
    /** Cortado tensors index with int; a few elements are kept back as Java arrays allow. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private OnnxTensors() {
    }

    /**
     * Reads a serialized {@code TensorProto} file such as the {@code input_0.pb} / {@code output_0.pb} of the
     * ONNX backend test cases. External data, if any, is resolved relative to the file's directory.
     */
    public static OnnxTensor readTensorProto(Path file) {
        byte[] bytes = OnnxModel.readFile(file);
        try {
            CodedInputStream input = CodedInputStream.newInstance(bytes);
            input.enableAliasing(true);
            input.setRecursionLimit(OnnxModel.RECURSION_LIMIT);
            return decode(TensorProto.parseFrom(input), file);
        } catch (IOException e) {
            throw new OnnxFormatException(file, "not a valid TensorProto (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Decodes one tensor proto; {@code file} is the model (or {@code .pb}) it came from, for messages and for
     * resolving external data.
     */
    static OnnxTensor decode(TensorProto proto, Path file) {
        String name = proto.getName();
        String what = "tensor '" + name + "'";
        OnnxDataType type = OnnxDataType.fromCode(proto.getDataType());
        if (type == null) {
            throw new OnnxFormatException(file, what + " has unknown data type code " + proto.getDataType());
        }
        if (!type.isSupported()) {
            throw new OnnxFormatException(file, what + " has data type " + type + ", which Cortado cannot hold");
        }
        if (proto.hasSegment()) {
            throw new OnnxFormatException(file, what + " is a segment of a larger tensor, which is not supported");
        }
        int[] shape = shape(proto, file, what);
        int count = numel(shape);
        if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            long bytes = (long) count * type.byteSize();
            ByteBuffer data = ExternalData.read(proto, bytes, file, what);
            return new OnnxTensor(name, type, fromRaw(type, data, count, shape));
        }
        if (proto.hasRawData()) {
            ByteString raw = proto.getRawData();
            long expected = (long) count * type.byteSize();
            if (raw.size() != expected) {
                throw new OnnxFormatException(file, what + " of shape " + java.util.Arrays.toString(shape) + " and type "
                        + type + " needs " + expected + " bytes of raw_data but has " + raw.size());
            }
            return new OnnxTensor(name, type, fromRaw(type, raw.asReadOnlyByteBuffer(), count, shape));
        }
        return new OnnxTensor(name, type, TypedFields.read(proto, type, count, shape, file, what));
    }

    /** The proto's dims as an int shape, refusing negative dims and products Cortado cannot index. */
    private static int[] shape(TensorProto proto, Path file, String what) {
        int rank = proto.getDimsCount();
        int[] shape = new int[rank];
        long product = 1;
        for (int d = 0; d < rank; d++) {
            long dim = proto.getDims(d);
            if (dim < 0 || dim > MAX_ELEMENTS) {
                throw new OnnxFormatException(file, what + " has dimension " + d + " = " + dim);
            }
            shape[d] = (int) dim;
            // Both factors are at most MAX_ELEMENTS once checked, so the product cannot overflow a long.
            product *= dim;
            if (product > MAX_ELEMENTS) {
                throw new OnnxFormatException(file, what + " has dims " + proto.getDimsList()
                        + " whose product exceeds " + MAX_ELEMENTS + " elements");
            }
        }
        return shape;
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int dim : shape) {
            n *= dim;
        }
        return n;
    }

    /**
     * Decodes {@code count} little-endian elements of {@code type} from {@code data} (exactly
     * {@code count · byteSize} bytes) into a dense tensor of the given shape.
     */
    static Tensor fromRaw(OnnxDataType type, ByteBuffer data, int count, int[] shape) {
        ByteBuffer le = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT -> {
                float[] values = new float[count];
                le.asFloatBuffer().get(values);
                return Tensor.fromArray(values, shape);
            }
            case FLOAT16, BFLOAT16 -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = halfToFloat(type, le.getShort(2 * i));
                }
                return Tensor.fromArray(values, shape);
            }
            case DOUBLE -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = (float) le.getDouble(8 * i);
                }
                return Tensor.fromArray(values, shape);
            }
            case BOOL -> {
                boolean[] values = new boolean[count];
                for (int i = 0; i < count; i++) {
                    values[i] = le.get(i) != 0;
                }
                return Tensor.fromBooleans(values, shape);
            }
            case INT64, UINT64 -> {
                long[] values = new long[count];
                le.asLongBuffer().get(values);
                return Tensor.fromLongs(values, shape);
            }
            default -> {
                long[] values = new long[count];
                for (int i = 0; i < count; i++) {
                    values[i] = integerAt(type, le, i);
                }
                return Tensor.fromLongs(values, shape);
            }
        }
    }

    /** Element {@code i} of a raw buffer of a narrow integer type, sign- or zero-extended. */
    private static long integerAt(OnnxDataType type, ByteBuffer le, int i) {
        return switch (type) {
            case INT8 -> le.get(i);
            case UINT8 -> Byte.toUnsignedLong(le.get(i));
            case INT16 -> le.getShort(2 * i);
            case UINT16 -> Short.toUnsignedLong(le.getShort(2 * i));
            case INT32 -> le.getInt(4 * i);
            case UINT32 -> Integer.toUnsignedLong(le.getInt(4 * i));
            default -> throw new IllegalStateException("not a narrow integer type: " + type);
        };
    }

    /** A FLOAT16 (IEEE binary16) or BFLOAT16 (the top half of a float32) bit pattern as a float. */
    static float halfToFloat(OnnxDataType type, short bits) {
        return type == OnnxDataType.BFLOAT16
                ? Float.intBitsToFloat((bits & 0xFFFF) << 16)
                : Float.float16ToFloat(bits);
    }
}
