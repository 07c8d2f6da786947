package dev.cortado.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: element counts, contiguous strides, broadcasting, dim checks. */
public final class Shapes {
    private Shapes() {
    }

    /** Product of the sizes; fails if a size is negative or the count overflows an int. */
    public static int numel(int[] shape) {
        long n = 1;
        for (int size : shape) {
            if (size < 0) {
                throw new IllegalArgumentException("negative size in shape " + str(shape));
            }
            n *= size;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31 elements");
            }
        }
        return (int) n;
    }

    /** Row-major strides of a dense tensor of this shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /**
     * Maps a possibly negative dim to [0, rank). {@code op} names the caller for the error message.
     */
    public static int normalizeDim(String op, int dim, int rank) {
        int lo = rank == 0 ? -1 : -rank;
        int hi = rank == 0 ? 0 : rank - 1;
        if (dim < lo || dim > hi) {
            throw new IllegalArgumentException(op + ": dim " + dim + " out of range [" + lo + ", " + hi
                    + "] for a tensor of rank " + rank);
        }
        return dim < 0 ? dim + Math.max(rank, 1) : dim;
    }

    /** NumPy broadcasting of two shapes (align right; sizes equal or one of them 1). */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " are not broadcastable (dim " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Formats a shape as {@code [2, 3]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
