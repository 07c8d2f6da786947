package dev.cortado.autograd;

import static dev.cortado.tensor.TensorAssert.assertClose;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Central-difference checks of the fused attention op (tolerances: standard), with and without a mask and with
 * key and value lengths and widths that differ from the query's; and the fused op against the same attention
 * built from matmul, masked fill and softmax.
 */
class AttentionOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    @Test
    void gradientsOfQueryKeyAndValue() {
        Tensor q = Tensor.randn(1, 2, 2, 3, 4);
        Tensor k = Tensor.randn(2, 2, 2, 5, 4);
        Tensor v = Tensor.randn(3, 2, 2, 5, 3);
        CHECK.check("attention", x -> AttentionOps.scaledDotProduct(x[0], x[1], x[2], null, 0.5f), q, k, v);
        Tensor mask = Tensor.fromArray(new float[] {0, 0, -1.5f, 0, Float.NEGATIVE_INFINITY}, 5);
        CHECK.check("masked attention", x -> AttentionOps.scaledDotProduct(x[0], x[1], x[2], mask, 0.5f), q, k, v);
    }

    @Test
    void matchesTheComposedOps() {
        Tensor q = Tensor.randn(4, 1, 3, 6, 8);
        Tensor k = Tensor.randn(5, 1, 3, 7, 8);
        Tensor v = Tensor.randn(6, 1, 3, 7, 8);
        Tensor gradOut = Tensor.randn(7, 1, 3, 6, 8);
        boolean[] padding = {false, false, false, false, false, true, true};
        Tensor mask = Tensor.fromBooleans(padding, 7);
        float scale = (float) (1 / Math.sqrt(8));
        Variable[] fused = {Variable.parameter(q), Variable.parameter(k), Variable.parameter(v)};
        Variable[] composed = {Variable.parameter(q), Variable.parameter(k), Variable.parameter(v)};
        Variable out = AttentionOps.scaledDotProduct(fused[0], fused[1], fused[2], mask, scale);
        Variable scores = LinalgOps.matmul(MathOps.mul(composed[0], scale), ShapeOps.transpose(composed[1], -1, -2));
        Variable reference = LinalgOps.matmul(
                SoftmaxOps.softmax(MathOps.maskedFill(scores, mask, Float.NEGATIVE_INFINITY), -1), composed[2]);
        assertClose(reference.data(), out.data(), 1e-5, 1e-5, "output");
        out.backward(gradOut);
        reference.backward(gradOut);
        for (int i = 0; i < 3; i++) {
            assertClose(composed[i].grad(), fused[i].grad(), 1e-5, 1e-5, "gradient of input " + i);
        }
    }
}
