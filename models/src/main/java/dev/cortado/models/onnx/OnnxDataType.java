package dev.cortado.models.onnx;

import dev.cortado.tensor.DType;

/**
 * ONNX element types ({@code TensorProto.DataType}) with their codes, and the Cortado {@link DType} each
 * is read into: floating types become FLOAT32 (FLOAT16 and BFLOAT16 exactly, DOUBLE rounded), integer types
 * INT64 (exact; UINT64 values above 2^63 keep their bit pattern), BOOL stays BOOL. Types Cortado cannot
 * hold (strings, complex numbers, 8- and 4-bit floats, 4-bit integers) have no DType.
 */
public enum OnnxDataType {
    UNDEFINED(0, 0, null),
    FLOAT(1, 4, DType.FLOAT32),
    UINT8(2, 1, DType.INT64),
    INT8(3, 1, DType.INT64),
    UINT16(4, 2, DType.INT64),
    INT16(5, 2, DType.INT64),
    INT32(6, 4, DType.INT64),
    INT64(7, 8, DType.INT64),
    STRING(8, 0, null),
    BOOL(9, 1, DType.BOOL),
    FLOAT16(10, 2, DType.FLOAT32),
    DOUBLE(11, 8, DType.FLOAT32),
    UINT32(12, 4, DType.INT64),
    UINT64(13, 8, DType.INT64),
    COMPLEX64(14, 8, null),
    COMPLEX128(15, 16, null),
    BFLOAT16(16, 2, DType.FLOAT32),
    FLOAT8E4M3FN(17, 1, null),
    FLOAT8E4M3FNUZ(18, 1, null),
    FLOAT8E5M2(19, 1, null),
    FLOAT8E5M2FNUZ(20, 1, null),
    UINT4(21, 0, null),
    INT4(22, 0, null),
    FLOAT4E2M1(23, 0, null);

    private static final OnnxDataType[] BY_CODE = values();

    private final int code;
    private final int byteSize;
    private final DType cortadoType;

    OnnxDataType(int code, int byteSize, DType cortadoType) {
        this.code = code;
        this.byteSize = byteSize;
        this.cortadoType = cortadoType;
    }

    /** The type with ONNX code {@code code}, or null for a code this version does not know. */
    public static OnnxDataType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The {@code TensorProto.DataType} code. */
    public int code() {
        return code;
    }

    /** Bytes per element in {@code raw_data} (0 for strings and sub-byte types). */
    public int byteSize() {
        return byteSize;
    }

    /** Whether Cortado can hold tensors of this type. */
    public boolean isSupported() {
        return cortadoType != null;
    }

    /** The Cortado type these values are read into; only for {@linkplain #isSupported() supported} types. */
    public DType cortadoType() {
        if (cortadoType == null) {
            throw new IllegalArgumentException("ONNX data type " + this + " has no Cortado counterpart");
        }
        return cortadoType;
    }
}
