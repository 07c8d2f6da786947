package dev.cortado.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BackendUnavailableException;

/**
 * What every kernel test shares: one strict TornadoVM backend per test JVM (a failing kernel throws instead of
 * falling back), and the comparison with the CPU backend's result.
 */
final class DeviceCheck {
    /** Largest accepted relative error, max|device − cpu| / max|cpu| over the whole output. */
    static final double TOLERANCE = 1e-4;

    private static TornadoBackend backend;

    private DeviceCheck() {
    }

    static synchronized TornadoBackend backend() {
        if (backend == null) {
            try {
                backend = TornadoBackend.open(true);
            } catch (BackendUnavailableException e) {
                throw new AssertionError("these tests need a TornadoVM device (run under -Ptornado with "
                        + "TORNADOVM_HOME set): " + e.getMessage(), e);
            }
        }
        return backend;
    }

    /**
     * Asserts that {@code actual} (device) matches {@code expected} (CPU backend) within {@link #TOLERANCE} in the
     * max-norm relative error, prints the measured error, and returns it. NaN must sit at the same places.
     */
    static double assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.contiguous().toFloatArray();
        float[] a = actual.contiguous().toFloatArray();
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i]) || Float.isNaN(a[i])) {
                assertTrue(Float.isNaN(e[i]) && Float.isNaN(a[i]), what + ": NaN mismatch at " + i + ": cpu " + e[i]
                        + ", device " + a[i]);
                continue;
            }
            scale = Math.max(scale, Math.abs(e[i]));
            worst = Math.max(worst, Math.abs((double) a[i] - e[i]));
        }
        double relative = scale == 0 ? worst : worst / scale;
        System.out.printf("max relative error %-48s %.3e%n", what, relative);
        assertTrue(relative <= TOLERANCE, what + ": relative error " + relative + " > " + TOLERANCE);
        return relative;
    }
}
