package dev.cortado.nn.io;

import dev.cortado.tensor.DType;

import java.nio.ByteBuffer;
import java.util.Comparator;

/**
 * The element types of the safetensors format that Cortado reads, each with its size, the Cortado dtype
 * it becomes and how one element is decoded from a little-endian buffer. Floating types become FLOAT32
 * (F16 and BF16 exactly, F64 rounded), signed integers and U8 become INT64, BOOL stays BOOL.
 */
enum StoredType {
    BOOL(1, DType.BOOL),
    U8(1, DType.INT64),
    I8(1, DType.INT64),
    I16(2, DType.INT64),
    F16(2, DType.FLOAT32),
    BF16(2, DType.FLOAT32),
    I32(4, DType.INT64),
    F32(4, DType.FLOAT32),
    F64(8, DType.FLOAT32),
    I64(8, DType.INT64);

    /**
     * The order in which the safetensors library lays out tensors: larger rank first, then by name.
     * It is the order of the library's Dtype enum (BOOL, U8, I8, F8_*, I16, U16, F16, BF16, I32, U32, F32,
     * F64, I64, U64), of which this enum keeps the types Cortado reads, in the same order.
     */
    static final Comparator<StoredType> LAYOUT_ORDER = Comparator.comparingInt(StoredType::ordinal);

    private final int byteSize;
    private final DType target;

    StoredType(int byteSize, DType target) {
        this.byteSize = byteSize;
        this.target = target;
    }

    int byteSize() {
        return byteSize;
    }

    DType target() {
        return target;
    }

    /** The type Cortado writes for a tensor of {@code dtype}. */
    static StoredType forWriting(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> F32;
            case INT64 -> I64;
            case BOOL -> BOOL;
        };
    }

    /** The type named {@code name} in a header, or {@code null} if Cortado does not read it. */
    static StoredType named(String name) {
        for (StoredType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Reads the element at the buffer's position as a float (floating types only). */
    float readFloat(ByteBuffer in) {
        return switch (this) {
            case F32 -> in.getFloat();
            case F16 -> Float.float16ToFloat(in.getShort());
            // bfloat16 is the upper half of a float32's bits.
            case BF16 -> Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
            case F64 -> (float) in.getDouble();
            default -> throw new IllegalStateException(this + " is not a floating type");
        };
    }

    /** Reads the element at the buffer's position as a long (integer types only). */
    long readLong(ByteBuffer in) {
        return switch (this) {
            case U8 -> in.get() & 0xFF;
            case I8 -> in.get();
            case I16 -> in.getShort();
            case I32 -> in.getInt();
            case I64 -> in.getLong();
            default -> throw new IllegalStateException(this + " is not an integer type");
        };
    }
}
