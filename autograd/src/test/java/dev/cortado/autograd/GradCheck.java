package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradient checks by central differences. The function's output y is reduced to the scalar
 * L = Σ y·r with a fixed random r (so every output element matters with its own weight); the analytic
 * gradient is what {@code y.backward(r)} accumulates in each input, the numeric one is
 * (L(x + ε·eᵢ) - L(x - ε·eᵢ)) / 2ε per element, with L summed in double.
 *
 * <p>Default ε = 1e-2 and tolerance |analytic - numeric| ≤ 2e-3 + 1e-2·|numeric|: float32 rounding of L is
 * about 1e-7·Σ|y·r|, divided by 2ε; the truncation error of the central difference is O(ε²·f''').
 * Keep test inputs away from kinks (relu at 0, ties in max) by more than ε.
 */
public final class GradCheck {
    private final double eps;
    private final double atol;
    private final double rtol;

    private GradCheck(double eps, double atol, double rtol) {
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
    }

    /** ε = 1e-2, atol = 2e-3, rtol = 1e-2. */
    public static GradCheck standard() {
        return new GradCheck(1e-2, 2e-3, 1e-2);
    }

    /** Custom step and tolerances (say in the test why the defaults do not fit). */
    public static GradCheck with(double eps, double atol, double rtol) {
        return new GradCheck(eps, atol, rtol);
    }

    /**
     * Checks the gradient of {@code f} with respect to every input (each is made a parameter; the tensors
     * are perturbed in place and restored).
     */
    public void check(String what, Function<Variable[], Variable> f, Tensor... inputs) {
        Variable[] params = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = Variable.parameter(inputs[i]);
        }
        Variable y = f.apply(params);
        Tensor weights = Tensor.randn(12345, y.shape());
        y.backward(weights);
        float[] r = weights.toFloatArray();
        for (int p = 0; p < inputs.length; p++) {
            Tensor analytic = params[p].grad();
            assertNotNull(analytic, what + ": input " + p + " received no gradient");
            assertArrayEquals(inputs[p].shape(), analytic.shape(), what + ": gradient shape of input " + p);
            float[] a = analytic.toFloatArray();
            Tensor x = inputs[p];
            float[] data = x.floatData();
            int[] index = new int[x.dim()];
            for (int flat = 0; flat < x.numel(); flat++) {
                int at = storageIndex(x, index);
                float original = data[at];
                data[at] = (float) (original + eps);
                double plus = weightedSum(f, inputs, r);
                data[at] = (float) (original - eps);
                double minus = weightedSum(f, inputs, r);
                data[at] = original;
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(a[flat] - numeric);
                if (!(err <= atol + rtol * Math.abs(numeric))) {
                    fail(what + ": d/d input " + p + " at flat index " + flat + ": analytic " + a[flat]
                            + " vs numeric " + numeric + " (|error| " + err + " > " + atol + " + " + rtol + "·|numeric|)");
                }
                increment(index, x.shape());
            }
        }
    }

    private static double weightedSum(Function<Variable[], Variable> f, Tensor[] inputs, float[] r) {
        try (var scope = NoGrad.enter()) {
            Variable[] constants = new Variable[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                constants[i] = Variable.constant(inputs[i]);
            }
            float[] y = f.apply(constants).data().toFloatArray();
            double sum = 0;
            for (int i = 0; i < y.length; i++) {
                sum += (double) y[i] * r[i];
            }
            return sum;
        }
    }

    private static int storageIndex(Tensor x, int[] index) {
        int at = x.offset();
        for (int d = 0; d < index.length; d++) {
            at += index[d] * x.stride(d);
        }
        return at;
    }

    private static void increment(int[] index, int[] shape) {
        for (int d = index.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                return;
            }
            index[d] = 0;
        }
    }
}
