package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Tensor comparisons for tests: shapes must match exactly, values within |a - e| ≤ atol + rtol·|e|. */
public final class TensorAssert {
    private TensorAssert() {
    }

    /**
     * Asserts equal shape and dtype and values within tolerance. NaN must meet NaN and infinities must be
     * equal; the message names the first offending position.
     */
    public static void assertClose(Tensor expected, Tensor actual, double atol, double rtol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        switch (expected.dtype()) {
            case FLOAT32 -> {
                float[] e = expected.toFloatArray();
                float[] a = actual.toFloatArray();
                for (int i = 0; i < e.length; i++) {
                    if (Float.isNaN(e[i]) || Float.isInfinite(e[i])) {
                        if (Float.compare(e[i], a[i]) != 0) {
                            fail(what + ": at flat index " + i + " expected " + e[i] + " but got " + a[i]);
                        }
                        continue;
                    }
                    double err = Math.abs((double) a[i] - e[i]);
                    if (!(err <= atol + rtol * Math.abs(e[i]))) {
                        fail(what + ": at flat index " + i + " expected " + e[i] + " but got " + a[i] + " (|error| "
                                + err + " > atol " + atol + " + rtol " + rtol + "·|expected|)");
                    }
                }
            }
            case INT64 -> assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
            case BOOL -> assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray(), what);
        }
    }

    /** Exact equality (bit-identical floats, NaN equal to NaN). */
    public static void assertSame(Tensor expected, Tensor actual, String what) {
        assertClose(expected, actual, 0, 0, what);
    }
}
