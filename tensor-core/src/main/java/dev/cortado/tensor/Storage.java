package dev.cortado.tensor;

/**
 * The flat array behind one or more tensors. Views (reshape, permute, slice, expand) share a storage;
 * only the array matching {@link #dtype()} is non-null.
 *
 * <p>The version counter is bumped by every in-place write, so that later layers (autograd) can detect
 * that a tensor they saved was changed behind their back.
 */
public final class Storage {
    private final DType dtype;
    private final float[] floats;
    private final long[] longs;
    private final boolean[] booleans;
    private int version;

    private Storage(DType dtype, float[] floats, long[] longs, boolean[] booleans) {
        this.dtype = dtype;
        this.floats = floats;
        this.longs = longs;
        this.booleans = booleans;
    }

    static Storage allocate(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new Storage(dtype, new float[length], null, null);
            case INT64 -> new Storage(dtype, null, new long[length], null);
            case BOOL -> new Storage(dtype, null, null, new boolean[length]);
        };
    }

    static Storage wrap(float[] data) {
        return new Storage(DType.FLOAT32, data, null, null);
    }

    static Storage wrap(long[] data) {
        return new Storage(DType.INT64, null, data, null);
    }

    static Storage wrap(boolean[] data) {
        return new Storage(DType.BOOL, null, null, data);
    }

    public DType dtype() {
        return dtype;
    }

    public int length() {
        return switch (dtype) {
            case FLOAT32 -> floats.length;
            case INT64 -> longs.length;
            case BOOL -> booleans.length;
        };
    }

    float[] floats() {
        return floats;
    }

    long[] longs() {
        return longs;
    }

    boolean[] booleans() {
        return booleans;
    }

    /** Number of in-place writes so far. */
    public int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }
}
