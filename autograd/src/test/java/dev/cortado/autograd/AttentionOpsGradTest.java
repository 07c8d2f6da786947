package dev.cortado.autograd;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Central-difference checks of the fused attention op (tolerances: standard), with and without a mask and with
 * key and value lengths and widths that differ from the query's; and the fused op against the same attention
 * built from matmul, masked fill and softmax; the packed self-attention op against chunked, head-split input.
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

    @Test
    void packedSelfAttentionGradients() {
        Tensor qkv = Tensor.randn(8, 2, 4, 3 * 2 * 3);
        Tensor mask = Tensor.fromArray(new float[] {0, -1f, 0, Float.NEGATIVE_INFINITY}, 4);
        CHECK.check("self attention", x -> AttentionOps.selfAttention(x[0], 2, mask, 0.5f), qkv);
    }

    @Test
    void packedSelfAttentionMatchesTheSplitHeads() {
        int batch = 2, length = 5, heads = 3, width = 4, embed = heads * width;
        Tensor qkv = Tensor.randn(9, batch, length, 3 * embed);
        Tensor gradOut = Tensor.randn(10, batch, heads, length, width);
        boolean[] padding = {false, false, false, true, true};
        Tensor mask = Tensor.fromBooleans(padding, length);
        Variable packed = Variable.parameter(qkv);
        Variable split = Variable.parameter(qkv);
        Variable out = AttentionOps.selfAttention(packed, heads, mask, 0.5f);
        Variable[] parts = JoinOps.chunk(split, 3, -1).stream()
                .map(p -> ShapeOps.permute(ShapeOps.reshape(p, batch, length, heads, width), 0, 2, 1, 3))
                .toArray(Variable[]::new);
        Variable reference = AttentionOps.scaledDotProduct(parts[0], parts[1], parts[2], mask, 0.5f);
        assertClose(reference.data(), out.data(), 1e-6, 1e-6, "output");
        out.backward(gradOut);
        reference.backward(gradOut);
        assertClose(split.grad(), packed.grad(), 1e-6, 1e-6, "gradient of qkv");
    }

    @Test
    void packedSelfAttentionNamesABadShape() {
        Variable qkv = Variable.parameter(Tensor.zeros(2, 5, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionOps.selfAttention(qkv, 2, null, 1f));
        assertTrue(e.getMessage().contains("self_attention") && e.getMessage().contains("[2, 5, 10]"),
                e.getMessage());
    }
}
