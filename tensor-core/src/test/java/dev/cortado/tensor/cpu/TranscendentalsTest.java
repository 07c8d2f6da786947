package dev.cortado.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of the tier-independent exp, log and tanh against {@link Math} in double precision, in ulps of
 * the float result, over random bit patterns of the whole float range plus hand-picked edge values, and
 * exact special values (±0, ±inf, NaN, overflow and underflow).
 */
class TranscendentalsTest {
    /** Largest error allowed, in ulps of the exactly rounded result (Cephes states about 1 ulp). */
    private static final double MAX_ULPS = 2;

    @Test
    void expIsWithinTwoUlpsEverywhere() {
        assertAccurate("exp", Transcendentals::exp, Math::exp, inputs(-110f, 90f));
    }

    @Test
    void logIsWithinTwoUlpsEverywhere() {
        assertAccurate("log", Transcendentals::log, Math::log, inputs(0f, Float.MAX_VALUE));
    }

    @Test
    void tanhIsWithinTwoUlpsEverywhere() {
        assertAccurate("tanh", Transcendentals::tanh, Math::tanh, inputs(-12f, 12f));
    }

    @Test
    void specialValuesFollowMath() {
        float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 88.72f, 88.73f, 89f,
                -87.3f, -100f, -103.9f, -104f, -200f, Float.MIN_VALUE, Float.MIN_NORMAL, -1f, 1f, 0.625f, -0.625f};
        for (float x : specials) {
            assertSame("exp", x, (float) Math.exp(x), apply(Transcendentals::exp, x));
            assertSame("tanh", x, (float) Math.tanh(x), apply(Transcendentals::tanh, x));
            if (!(x > 0f && x < Float.MIN_NORMAL)) {
                // Subnormal arguments are checked with the tolerance below; the rest must match exactly.
                assertSame("log", x, (float) Math.log(x), apply(Transcendentals::log, x));
            }
        }
        assertTrue(Math.abs(apply(Transcendentals::log, Float.MIN_VALUE) - Math.log(Float.MIN_VALUE)) < 1e-5);
    }

    private static void assertSame(String name, float x, float expected, float actual) {
        if (Float.isNaN(expected) || Float.isInfinite(expected) || expected == 0f || Math.abs(x) == 1f) {
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual),
                    () -> name + "(" + x + ") = " + actual + ", expected " + expected);
        } else {
            assertTrue(ulps(actual, expected) <= MAX_ULPS, () -> name + "(" + x + ") = " + actual);
        }
    }

    /** Random finite floats between lo and hi: uniform values plus uniform bit patterns (all magnitudes). */
    private static float[] inputs(float lo, float hi) {
        SplittableRandom random = new SplittableRandom(20261122);
        int n = 1 << 18;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            float v;
            do {
                v = i % 2 == 0 ? lo + (float) random.nextDouble() * (hi - lo) : Float.intBitsToFloat(random.nextInt());
            } while (!(v >= lo && v <= hi));
            x[i] = v;
        }
        return x;
    }

    private static void assertAccurate(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += Simd.LANES) {
            f.apply(FloatVector.fromArray(Simd.FLOAT, x, i)).intoArray(y, i);
        }
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.length; i++) {
            double reference = exact.applyAsDouble(x[i]);
            double error = ulps(y[i], reference);
            if (error > worst) {
                worst = error;
                worstAt = x[i];
            }
        }
        double worstError = worst;
        float at = worstAt;
        assertTrue(worstError <= MAX_ULPS, () -> name + ": " + worstError + " ulps at x = " + at);
    }

    /** |actual − exact| in units of the float spacing at the exact value (subnormal spacing below). */
    private static double ulps(float actual, double exact) {
        if (Double.isInfinite(exact) || exact > Float.MAX_VALUE) {
            return actual == (float) exact ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(actual - exact) / Math.ulp((float) exact);
    }

    private static float apply(UnaryOperator<FloatVector> f, float x) {
        return f.apply(FloatVector.broadcast(Simd.FLOAT, x)).lane(0);
    }
}
