package dev.cortado.tensor;

/** Element types a {@link Tensor} can hold: float32 for computation, int64 for indices, bool for masks. */
public enum DType {
    FLOAT32(4),
    INT64(8),
    BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }
}
