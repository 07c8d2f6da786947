package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;

/**
 * softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) and log_softmax(x)ᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m) along one
 * dim, with m the maximum along that dim so that no exponent overflows (softmax of ±1e4 is exact).
 */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor softmax(Tensor x, int dim) {
        return apply("softmax", x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return apply("log_softmax", x, dim, true);
    }

    /** The gradient of softmax along {@code dim} from its output y: y·(g − Σ g·y). */
    public static Tensor softmaxBackward(Tensor y, Tensor gradOut, int dim) {
        return backward("softmax backward", y, gradOut, dim, false);
    }

    /** The gradient of log-softmax along {@code dim} from its output y: g − e^y·Σ g. */
    public static Tensor logSoftmaxBackward(Tensor y, Tensor gradOut, int dim) {
        return backward("log_softmax backward", y, gradOut, dim, true);
    }

    private static Tensor backward(String op, Tensor y, Tensor gradOut, int dim, boolean log) {
        y.requireDType(op, DType.FLOAT32);
        gradOut.requireDType(op, DType.FLOAT32);
        if (!java.util.Arrays.equals(y.shape(), gradOut.shape())) {
            throw new IllegalArgumentException(op + ": output " + Shapes.str(y.shape()) + " and gradient "
                    + Shapes.str(gradOut.shape()) + " differ in shape");
        }
        if (y.dim() == 0) {
            return backward(op, y.reshape(1), gradOut.reshape(1), 0, log).reshape();
        }
        int d = Shapes.normalizeDim(op, dim, y.dim());
        int last = y.dim() - 1;
        Tensor rows = y.transpose(d, last).contiguous();
        Tensor gradRows = gradOut.transpose(d, last).contiguous();
        Tensor out = Tensor.zeros(rows.shape());
        Backends.current().softmaxBackward(rows, gradRows, out, log);
        return d == last ? out : out.transpose(d, last).contiguous();
    }

    private static Tensor apply(String op, Tensor x, int dim, boolean log) {
        x.requireDType(op, DType.FLOAT32);
        if (x.dim() == 0) {
            return apply(op, x.reshape(1), 0, log).reshape();
        }
        int d = Shapes.normalizeDim(op, dim, x.dim());
        int last = x.dim() - 1;
        // The kernel works on dense rows: move dim to the end, run, and move it back.
        Tensor rows = x.transpose(d, last).contiguous();
        Tensor out = Tensor.zeros(rows.shape());
        Backends.current().softmax(rows, out, log);
        return d == last ? out : out.transpose(d, last).contiguous();
    }
}
