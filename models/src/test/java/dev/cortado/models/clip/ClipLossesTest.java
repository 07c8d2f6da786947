package dev.cortado.models.clip;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.GradCheck;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ClipLosses#classContrastive} against PyTorch (tools/reference/gen_clip.py: the same formula with
 * F.cross_entropy and F.log_softmax), values and gradients, and its gradient by central differences.
 */
class ClipLossesTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("clip.json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void classContrastiveMatchesPyTorch(Fixtures.Case c) {
        Variable image = Variable.parameter(c.input("image"));
        Variable text = Variable.parameter(c.input("text"));
        Variable logScale = Variable.parameter(c.input("log_scale"));
        Variable loss = ClipLosses.classContrastive(image, c.input("labels"), text, logScale);
        loss.backward();
        // float32 with a scale up to 100 on cosines: sums of a few exp terms in another order, a few ulps.
        assertClose(c.output("loss"), loss.data(), 1e-5, 1e-5, c.name() + " loss");
        assertClose(c.output("grad_image"), image.grad(), 1e-5, 1e-4, c.name() + " d/d image");
        assertClose(c.output("grad_text"), text.grad(), 1e-5, 1e-4, c.name() + " d/d text");
        assertClose(c.output("grad_log_scale"), logScale.grad(), 1e-5, 1e-4, c.name() + " d/d log scale");
    }

    /**
     * Central differences (GradCheck's defaults: ε = 1e-2, |error| ≤ 2e-3 + 1e-2·|numeric|) at a scale of
     * e^0.7 ≈ 2: larger scales multiply the third derivative, and with it the O(ε²) truncation error, by the
     * scale cubed.
     */
    @Test
    void classContrastiveGradientMatchesCentralDifferences() {
        Tensor labels = Tensor.fromLongs(new long[] {1, 0, 1, 3, 1}, 5);   // class 2 absent
        GradCheck.standard().check("classContrastive", v -> ClipLosses.classContrastive(v[0], labels, v[1], v[2]),
                Tensor.randn(11, 5, 6), Tensor.randn(12, 4, 6), Tensor.scalar(0.7f));
    }

    @Test
    void badLabelsAndShapesAreNamed() {
        Variable image = Variable.constant(Tensor.randn(1, 3, 4));
        Variable text = Variable.constant(Tensor.randn(2, 2, 4));
        Variable s = Variable.constant(Tensor.scalar(1f));
        String label = assertThrows(IllegalArgumentException.class, () -> ClipLosses.classContrastive(image,
                Tensor.fromLongs(new long[] {0, 2, 1}, 3), text, s)).getMessage();
        assertTrue(label.contains("label 2 is not one of the 2 classes"), label);
        String shape = assertThrows(IllegalArgumentException.class, () -> ClipLosses.classContrastive(image,
                Tensor.fromLongs(new long[] {0, 1, 1}, 3), Variable.constant(Tensor.randn(3, 2, 5)), s)).getMessage();
        assertTrue(shape.contains("[3, 4] and [2, 5]"), shape);
    }
}
