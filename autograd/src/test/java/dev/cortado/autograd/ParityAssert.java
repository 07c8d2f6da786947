package dev.cortado.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cortado.tensor.Tensor;

/**
 * Comparison with PyTorch fixtures by relative error: max |actual − expected| over the tensor divided by
 * max |expected| (so values near zero are judged against the tensor's scale, not their own). The
 * issue's bounds: {@link #FORWARD} for outputs, {@link #GRADIENT} for gradients.
 */
public final class ParityAssert {
    /** Forward outputs: relative error ≤ 1e-5. */
    public static final double FORWARD = 1e-5;
    /** Gradients: relative error ≤ 1e-4. */
    public static final double GRADIENT = 1e-4;

    private ParityAssert() {
    }

    public static void assertRelative(Tensor expected, Tensor actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double worst = 0;
        double scale = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            if (Double.isNaN(err)) {
                fail(what + ": at flat index " + i + " expected " + e[i] + ", got " + a[i]);
            }
            if (err > worst) {
                worst = err;
                at = i;
            }
            scale = Math.max(scale, Math.abs(e[i]));
        }
        double relative = scale == 0 ? worst : worst / scale;
        if (!(relative <= tolerance)) {
            fail(what + ": relative error " + relative + " > " + tolerance + " (at flat index " + at + ": expected "
                    + e[at] + ", got " + a[at] + "; scale " + scale + ")");
        }
    }
}
