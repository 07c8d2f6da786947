package dev.cortado.nn.attention;

import dev.cortado.autograd.GradCheck;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Module;
import dev.cortado.nn.attention.MultiHeadAttention.Masks;
import dev.cortado.nn.attention.MultiHeadAttention.Weights;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layout, initialisation, masks, dropout and error messages of MultiHeadAttention (values: AttentionParityTest). */
class MultiHeadAttentionTest {
    @Test
    void pytorchKeysAndDefaultInitialisation() {
        MultiHeadAttention packed = new MultiHeadAttention(8, 2, 3);
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(packed.stateDict().keySet()));
        // xavier_uniform on [3E, E]: bound √(6/(E + 3E)); zero biases, as torch.nn.MultiheadAttention.
        float bound = (float) Math.sqrt(6.0 / (8 + 24));
        for (float w : packed.stateDict().get("in_proj_weight").toFloatArray()) {
            assertTrue(Math.abs(w) <= bound, "in_proj_weight within the Xavier bound");
        }
        TensorAssert.assertSame(Tensor.zeros(24), packed.stateDict().get("in_proj_bias"), "in_proj_bias");
        TensorAssert.assertSame(Tensor.zeros(8), packed.stateDict().get("out_proj.bias"), "out_proj.bias");

        MultiHeadAttention widths = new MultiHeadAttention.Builder(8, 2).kdim(5).vdim(6).build(3);
        assertEquals(List.of("q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight",
                "out_proj.bias"), List.copyOf(widths.stateDict().keySet()));
        MultiHeadAttention separate = new MultiHeadAttention.Builder(8, 2).kdim(5).bias(false)
                .layout(MultiHeadAttention.Layout.SEPARATE).build(3);
        assertEquals(List.of("q_proj.weight", "k_proj.weight", "v_proj.weight", "out_proj.weight"),
                List.copyOf(separate.stateDict().keySet()));
        assertEquals(5, separate.stateDict().get("k_proj.weight").size(1));
    }

    @Test
    void causalMaskHidesLaterPositions() {
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, 4);
        Tensor x = Tensor.randn(1, 2, 5, 8);
        Tensor changed = x.copy();
        changed.narrow(1, 4, 1).copyFrom(Tensor.randn(2, 2, 1, 8));   // only the last position differs
        Variable a = mha.forward(Variable.constant(x), Variable.constant(x), Variable.constant(x), Masks.causal(5));
        Variable b = mha.forward(Variable.constant(changed), Variable.constant(changed), Variable.constant(changed),
                Masks.causal(5));
        TensorAssert.assertClose(a.data().narrow(1, 0, 4), b.data().narrow(1, 0, 4), 1e-6, 0, "positions 0..3");
        assertNotEquals(a.data().get(0, 4, 0), b.data().get(0, 4, 0));
    }

    @Test
    void floatMaskOfMinusInfinityEqualsBoolMask() {
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, 5);
        Variable x = Variable.constant(Tensor.randn(6, 2, 4, 8));
        Tensor bool = Attention.causalMask(4, 4);
        Tensor additive = Elementwise.maskedFill(Tensor.zeros(4, 4), bool, Float.NEGATIVE_INFINITY);
        TensorAssert.assertClose(mha.forward(x, x, x, Masks.attention(bool)).data(),
                mha.forward(x, x, x, Masks.attention(additive)).data(), 1e-6, 0, "bool vs additive mask");
    }

    /** Central differences through softmax(QKᵀ/√d + mask)·V with an additive float mask. */
    @Test
    void scaledDotProductGradients() {
        Tensor mask = Tensor.randn(7, 3, 4);
        GradCheck.standard().check("scaled dot product", v -> Attention.scaledDotProduct(v[0], v[1], v[2], 0, 0, mask)
                .output(), Tensor.randn(1, 2, 3, 4), Tensor.randn(2, 2, 4, 4), Tensor.randn(3, 2, 4, 5));
    }

    @Test
    void attentionDropoutIsSeededAndOnlyInTraining() {
        Variable x = Variable.constant(Tensor.randn(8, 2, 6, 8));
        MultiHeadAttention a = new MultiHeadAttention.Builder(8, 2).dropout(0.5f).build(9);
        MultiHeadAttention b = new MultiHeadAttention.Builder(8, 2).dropout(0.5f).build(9);
        Attention.Result ra = a.forwardWithWeights(x, x, x, Masks.NONE, Weights.PER_HEAD);
        Attention.Result rb = b.forwardWithWeights(x, x, x, Masks.NONE, Weights.PER_HEAD);
        TensorAssert.assertSame(ra.output().data(), rb.output().data(), "same seed, same masks");
        // Dropped weights are 0, kept ones doubled: each row sums to 2·(kept softmax mass), not 1.
        long zeros = 0;
        for (float w : ra.weights().data().toFloatArray()) {
            zeros += w == 0 ? 1 : 0;
        }
        assertTrue(zeros > 20 && zeros < 124, "about half of 144 weights dropped, got " + zeros);
        Variable second = a.forward(x);
        assertNotEquals(ra.output().data().get(0, 0, 0), second.data().get(0, 0, 0), "a new mask on the next call");
        a.eval();
        Attention.Result evaluated = a.forwardWithWeights(x, x, x, Masks.NONE, Weights.AVERAGED);
        float rowSum = 0;
        for (int j = 0; j < 6; j++) {
            rowSum += evaluated.weights().data().get(1, 2, j);
        }
        assertEquals(1f, rowSum, 1e-6f, "no dropout in eval: weights sum to 1");
    }

    @Test
    void wrongShapesNameTheModulePath() {
        VisionTransformer vit = new VisionTransformer(new VisionTransformer.Config(8, 1, 4, 8, 2, 2, 16, 3, 0f, 1));
        MultiHeadAttention attn = (MultiHeadAttention) vit.namedModules().get("encoder.layers.1.self_attn");
        Variable bad = Variable.constant(Tensor.zeros(2, 5, 7));
        var e = assertThrows(IllegalArgumentException.class, () -> attn.forward(bad));
        assertEquals("encoder.layers.1.self_attn (MultiHeadAttention): expected query of shape [*, *, 8] but got "
                + "[2, 5, 7]", e.getMessage());

        Variable q = Variable.constant(Tensor.zeros(2, 5, 8));
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(q, Variable.constant(Tensor.zeros(3, 4, 8)),
                Variable.constant(Tensor.zeros(3, 4, 8))));
        assertTrue(e.getMessage().startsWith("encoder.layers.1.self_attn (MultiHeadAttention): expected key of shape "
                + "[2, *, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(q, q, q,
                Masks.keyPadding(Tensor.fromBooleans(new boolean[10], 2, 5).narrow(1, 0, 4))));
        assertTrue(e.getMessage().contains("key padding mask must be [2, 5]"), e.getMessage());

        Module layer = vit.namedModules().get("encoder.layers.0");
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(bad));
        assertTrue(e.getMessage().startsWith("encoder.layers.0 (TransformerEncoderLayer): expected input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> vit.forward(Variable.constant(Tensor.zeros(2, 1, 8, 9))));
        assertEquals("VisionTransformer (VisionTransformer): expected images of shape [*, 1, 8, 8] but got [2, 1, 8, 9]",
                e.getMessage());
    }
}
