package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Optimiser updates on the device. */
public final class OptimizerKernels {
    /** Slots of the {@code scalars} argument of {@link #adam}, each rounded to float once on the host. */
    public static final int BETA1 = 0;
    public static final int BETA2 = 1;
    public static final int ONE_MINUS_BETA1 = 2;
    public static final int ONE_MINUS_BETA2 = 3;
    /** lr / (1 − β₁ᵗ). */
    public static final int STEP_SIZE = 4;
    /** √(1 − β₂ᵗ). */
    public static final int BIAS2_SQRT = 5;
    public static final int EPS = 6;
    /** Coupled L2 decay λ (Adam) or 0. */
    public static final int L2 = 7;
    /** Decoupled shrink 1 − lr·λ (AdamW) or 1. */
    public static final int SHRINK = 8;
    public static final int SCALAR_SLOTS = 9;

    private OptimizerKernels() {
    }

    /**
     * One Adam/AdamW step per element, the arithmetic of training's AbstractAdam in the same order:
     * <pre>
     *   g ← g + l2·θ
     *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
     *   θ ← θ·shrink − stepSize · m / (√v / √(1 − β₂ᵗ) + ε)
     * </pre>
     */
    public static void adam(FloatArray theta, FloatArray grad, FloatArray m, FloatArray v, FloatArray scalars) {
        for (@Parallel int i = 0; i < theta.getSize(); i++) {
            float t = theta.get(i);
            float g = grad.get(i) + scalars.get(L2) * t;
            float mi = scalars.get(BETA1) * m.get(i) + scalars.get(ONE_MINUS_BETA1) * g;
            float vi = scalars.get(BETA2) * v.get(i) + scalars.get(ONE_MINUS_BETA2) * g * g;
            m.set(i, mi);
            v.set(i, vi);
            float denominator = TornadoMath.sqrt(vi) / scalars.get(BIAS2_SQRT) + scalars.get(EPS);
            theta.set(i, t * scalars.get(SHRINK) - scalars.get(STEP_SIZE) * (mi / denominator));
        }
    }
}
