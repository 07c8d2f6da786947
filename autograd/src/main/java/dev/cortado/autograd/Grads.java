package dev.cortado.autograd;

import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;

/** Small gradient helpers shared by the op families. */
public final class Grads {
    private Grads() {
    }

    /**
     * Reverses NumPy broadcasting: sums {@code grad} over the leading dims it has beyond {@code shape} and
     * over every dim where {@code shape} has size 1 but {@code grad} does not, giving a tensor of
     * {@code shape}. (If y = f(x broadcast to s), each x element fed every copy, so its gradient is the sum.)
     */
    public static Tensor sumToShape(Tensor grad, int[] shape) {
        int[] gradShape = grad.shape();
        if (Arrays.equals(gradShape, shape)) {
            return grad;
        }
        int lead = gradShape.length - shape.length;
        int[] dims = new int[gradShape.length];
        int count = 0;
        for (int d = 0; d < gradShape.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gradShape[d] != 1)) {
                dims[count++] = d;
            }
        }
        Tensor summed = count == 0 ? grad : Reductions.sum(grad, Arrays.copyOf(dims, count), true);
        return summed.reshape(shape);
    }
}
