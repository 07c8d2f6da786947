package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference checks of the movement ops (tolerances: {@link GradCheck#standard()}). */
class ShapeOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    @Test
    void reshapes() {
        Tensor x = Tensor.randn(1, 2, 3, 4);
        CHECK.check("reshape", v -> ShapeOps.reshape(v[0], 4, -1), x);
        CHECK.check("reshape of a transposed view (copies)", v -> ShapeOps.reshape(ShapeOps.transpose(v[0], 0, 2), -1), x);
        CHECK.check("flatten", v -> ShapeOps.flatten(v[0]), x);
        CHECK.check("flatten 1..-1", v -> ShapeOps.flatten(v[0], 1, -1), x);
        CHECK.check("unsqueeze", v -> ShapeOps.unsqueeze(v[0], 1), x);
        CHECK.check("squeeze", v -> ShapeOps.squeeze(v[0], 1), Tensor.randn(2, 3, 1, 2));
    }

    @Test
    void reorderingAndBroadcasting() {
        Tensor x = Tensor.randn(3, 2, 3, 4);
        CHECK.check("permute", v -> ShapeOps.permute(v[0], 2, -3, 1), x);
        CHECK.check("transpose", v -> ShapeOps.transpose(v[0], -1, 0), x);
        CHECK.check("expand", v -> ShapeOps.expand(v[0], 2, 3, 4, 5), Tensor.randn(4, 3, 1, 5));
        CHECK.check("contiguous of a permuted view", v -> ShapeOps.contiguous(ShapeOps.permute(v[0], 2, 0, 1)), x);
    }

    @Test
    void slicing() {
        Tensor x = Tensor.randn(5, 4, 6);
        CHECK.check("slice with step", v -> ShapeOps.slice(v[0], 1, 1, 6, 2), x);
        CHECK.check("narrow", v -> ShapeOps.narrow(v[0], 0, 1, 2), x);
        CHECK.check("select", v -> ShapeOps.select(v[0], -1, 3), x);
        // Overlapping reads of one input: both slices' gradients add up.
        CHECK.check("two overlapping narrows",
                v -> MathOps.mul(ShapeOps.narrow(v[0], 1, 0, 4), ShapeOps.narrow(v[0], 1, 2, 4)), x);
    }
}
