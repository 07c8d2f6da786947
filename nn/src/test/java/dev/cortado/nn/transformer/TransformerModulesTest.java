package dev.cortado.nn.transformer;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Structure of the encoder stack and the ViT, and the gated cross-attention block's identity start. */
class TransformerModulesTest {
    @Test
    void encoderStackKeysAndFinalNorm() {
        TransformerEncoder encoder = new TransformerEncoder(LayerConfig.of(8, 2, 16), 2, true, 1);
        var keys = encoder.stateDict().keySet();
        assertTrue(keys.contains("layers.1.self_attn.in_proj_weight"));
        assertTrue(keys.contains("layers.0.linear2.bias"));
        assertTrue(keys.contains("norm.weight"));
        // Per layer: in_proj 3·8·8 + 24, out_proj 8·8 + 8, linear1 16·8 + 16, linear2 8·16 + 8, norms 2·16.
        long perLayer = 3 * 64 + 24 + 64 + 8 + 16 * 8 + 16 + 8 * 16 + 8 + 2 * 16;
        assertEquals(2 * perLayer + 16, encoder.parameterCount());
        // A module with children prints its extra text on the first indented line, as PyTorch does.
        assertTrue(encoder.toString().contains("(self_attn): MultiHeadAttention(\n        embed_dim=8, num_heads=2"),
                encoder.toString());
        Variable y = encoder.forward(Variable.constant(Tensor.randn(2, 3, 4, 8)));
        assertArrayEquals(new int[] {3, 4, 8}, y.shape());
    }

    /** The benchmark configuration builds, runs forward and backward, and has the expected size. */
    @Test
    void visionTransformerBenchmarkConfiguration() {
        var config = new VisionTransformer.Config(28, 1, 4, 128, 4, 4, 256, 10, 0.1f, 42);
        VisionTransformer vit = new VisionTransformer(config);
        int w = 128, tokens = 50;
        long layer = 3L * w * w + 3 * w + w * w + w + 256L * w + 256 + w * 256L + w + 4L * w;
        long expected = w + tokens * w + (16L * w + w) + 4 * layer + 2 * w + (10L * w + 10);
        assertEquals(expected, vit.parameterCount());
        Variable logits = vit.forward(Variable.constant(Tensor.randn(3, 1, 1, 28, 28)));
        assertArrayEquals(new int[] {1, 10}, logits.shape());
        ReductionOps.sum(logits).backward();
        vit.namedParameters().forEach((name, p) -> assertTrue(p.grad() != null, name + " has a gradient"));
        assertNotEquals(0f, Reductions.sum(Elementwise.abs(vit.namedParameters().get("class_token").grad())).item());
    }

    @Test
    void gatedCrossAttentionStartsAsIdentityAndTrainsItsGates() {
        GatedCrossAttentionBlock block = new GatedCrossAttentionBlock(8, 6, 2, 4, 5);
        // Own parameters first, then the children's, as torch.nn.Module.state_dict() orders them.
        assertEquals(java.util.List.of("attn_gate", "ff_gate", "attn_norm.weight", "attn_norm.bias", "cross_attn.q_proj_weight",
                "cross_attn.k_proj_weight", "cross_attn.v_proj_weight", "cross_attn.in_proj_bias",
                "cross_attn.out_proj.weight", "cross_attn.out_proj.bias", "ff_norm.weight", "ff_norm.bias",
                "ff.0.weight", "ff.0.bias", "ff.2.weight", "ff.2.bias"),
                java.util.List.copyOf(block.stateDict().keySet()));
        Tensor text = Tensor.randn(1, 2, 5, 8);
        Variable media = Variable.constant(Tensor.randn(2, 2, 3, 6));
        Variable y = block.forward(Variable.constant(text), media);
        TensorAssert.assertSame(text, y.data(), "tanh(0) gates: the block is the identity");

        // With both gates at 0: dL/dα_attn = Σ g ⊙ CrossAttn(LN(x), media) and dL/dα_ff = Σ g ⊙ FF(LN(x)),
        // since d tanh(α)/dα = 1 at 0 and the feed-forward branch sees h = x.
        Tensor g = Tensor.randn(3, 2, 5, 8);
        y.backward(g);
        var modules = block.namedModules();
        Variable x = Variable.constant(text);
        Variable attended = ((MultiHeadAttention) modules.get("cross_attn"))
                .forward(((LayerNorm) modules.get("attn_norm")).forward(x), media, media);
        Variable ff = modules.get("ff").forward(modules.get("ff_norm").forward(x));
        float attnExpected = ReductionOps.sum(MathOps.mul(attended, Variable.constant(g))).data().item();
        float ffExpected = ReductionOps.sum(MathOps.mul(ff, Variable.constant(g))).data().item();
        assertNotEquals(0f, attnExpected);
        assertEquals(attnExpected, block.attnGate().grad().item(), 1e-5f * Math.max(1, Math.abs(attnExpected)));
        assertEquals(ffExpected, block.ffGate().grad().item(), 1e-5f * Math.max(1, Math.abs(ffExpected)));
        // The branch weights get no gradient yet (scaled by tanh(0) = 0).
        Tensor outGrad = block.namedParameters().get("cross_attn.out_proj.weight").grad();
        assertTrue(outGrad == null || Reductions.sum(Elementwise.abs(outGrad)).item() == 0f);
    }

    @Test
    void decoderLayerGivenATargetWithoutASequenceDimNamesTheLayerAndShape() {
        TransformerDecoderLayer layer = new TransformerDecoderLayer(LayerConfig.of(8, 2, 16), 1);
        Variable memory = Variable.constant(Tensor.randn(1, 1, 3, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Variable.constant(Tensor.randn(2, 8)), memory));
        assertEquals("TransformerDecoderLayer (TransformerDecoderLayer): expected target of shape [*, *, 8] but got [8]",
                e.getMessage());
    }
}
