package dev.cortado.nn.transformer;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.ParityFixture;
import dev.cortado.nn.attention.Attention;
import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.nn.attention.MultiHeadAttention.Layout;
import dev.cortado.nn.attention.MultiHeadAttention.Masks;
import dev.cortado.nn.attention.MultiHeadAttention.Weights;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Joining;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cortado.autograd.ParityAssert.FORWARD;
import static dev.cortado.autograd.ParityAssert.GRADIENT;
import static dev.cortado.autograd.ParityAssert.assertRelative;

/**
 * MultiHeadAttention, encoder and decoder layers and the ViT against PyTorch 1.13 (fixtures from
 * tools/reference/gen_attention.py, identical weights, dropout 0, training mode): forward relative error
 * ≤ 1e-5, gradients of inputs and all parameters ≤ 1e-4 (relative to each tensor's largest magnitude;
 * see {@link ParityFixture}).
 */
class AttentionParityTest {
    private static final List<Fixtures.Case> CASES = Fixtures.load("attention.json");

    private static Fixtures.Case find(String op) {
        return CASES.stream().filter(c -> c.op().equals(op)).findFirst().orElseThrow();
    }

    @Test
    void selfAttentionWithKeyPaddingAndCausalMask() {
        Fixtures.Case c = find("mha_self");
        MultiHeadAttention mha = new MultiHeadAttention(c.intArg("embed_dim"), c.intArg("num_heads"), 1);
        ParityFixture.load(mha, c);
        Variable x = Variable.parameter(c.input("x"));
        Attention.Result r = mha.forwardWithWeights(x, x, x,
                new Masks(c.input("key_padding_mask"), c.input("attn_mask")), Weights.AVERAGED);
        r.output().backward(c.input("g"));
        assertRelative(c.output("y"), r.output().data(), FORWARD, c + ": y");
        assertRelative(c.output("weights"), r.weights().data(), FORWARD, c + ": weights");
        assertRelative(c.output("grad.x"), x.grad(), GRADIENT, c + ": grad x");
        ParityFixture.assertParameterGradients(mha, c);
    }

    @Test
    void crossAttentionWithOtherLengthAndWidths() {
        Fixtures.Case c = find("mha_cross");
        MultiHeadAttention mha = crossBuilder(c).build(1);
        ParityFixture.load(mha, c);
        Variable[] qkv = crossInputs(c);
        Attention.Result r = runCross(mha, c, qkv);
        assertRelative(c.output("weights"), r.weights().data(), FORWARD, c + ": per-head weights");
        ParityFixture.assertParameterGradients(mha, c);
    }

    /** The same weights in the Hugging Face layout (q_proj, k_proj, v_proj Linear children) give the same results. */
    @Test
    void separateProjectionLayoutMatchesPackedWeights() {
        Fixtures.Case c = find("mha_cross");
        MultiHeadAttention mha = crossBuilder(c).layout(Layout.SEPARATE).build(1);
        Map<String, Tensor> packed = c.inputsWithPrefix("param.");
        int e = c.intArg("embed_dim");
        Map<String, Tensor> separate = new LinkedHashMap<>();
        String[] names = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
            separate.put(names[i] + "_proj.weight", packed.get(names[i] + "_proj_weight"));
            separate.put(names[i] + "_proj.bias", packed.get("in_proj_bias").narrow(0, i * e, e).contiguous());
        }
        separate.put("out_proj.weight", packed.get("out_proj.weight"));
        separate.put("out_proj.bias", packed.get("out_proj.bias"));
        mha.loadStateDict(separate, true);
        runCross(mha, c, crossInputs(c));
        var params = mha.namedParameters();
        for (String n : names) {
            assertRelative(c.output("grad.param." + n + "_proj_weight"), params.get(n + "_proj.weight").grad(), GRADIENT,
                    c + ": grad " + n + "_proj.weight");
        }
        Tensor biasGrad = Joining.cat(0, params.get("q_proj.bias").grad(), params.get("k_proj.bias").grad(),
                params.get("v_proj.bias").grad());
        assertRelative(c.output("grad.param.in_proj_bias"), biasGrad, GRADIENT, c + ": grad q/k/v biases");
    }

    private static MultiHeadAttention.Builder crossBuilder(Fixtures.Case c) {
        return new MultiHeadAttention.Builder(c.intArg("embed_dim"), c.intArg("num_heads")).kdim(c.intArg("kdim"))
                .vdim(c.intArg("vdim"));
    }

    private static Variable[] crossInputs(Fixtures.Case c) {
        return new Variable[] {Variable.parameter(c.input("query")), Variable.parameter(c.input("key")),
                Variable.parameter(c.input("value"))};
    }

    /** Runs the cross-attention case, checks y and the input gradients. */
    private static Attention.Result runCross(MultiHeadAttention mha, Fixtures.Case c, Variable[] qkv) {
        Attention.Result r = mha.forwardWithWeights(qkv[0], qkv[1], qkv[2],
                new Masks(c.input("key_padding_mask"), c.input("attn_mask")), Weights.PER_HEAD);
        r.output().backward(c.input("g"));
        assertRelative(c.output("y"), r.output().data(), FORWARD, c + ": y");
        String[] names = {"query", "key", "value"};
        for (int i = 0; i < 3; i++) {
            assertRelative(c.output("grad." + names[i]), qkv[i].grad(), GRADIENT, c + ": grad " + names[i]);
        }
        return r;
    }

    @Test
    void encoderLayersPostNormAndPreNorm() {
        List<Fixtures.Case> layers = CASES.stream().filter(c -> c.op().equals("encoder_layer")).toList();
        for (Fixtures.Case c : layers) {
            TransformerEncoderLayer layer = new TransformerEncoderLayer(layerConfig(c), 1);
            ParityFixture.load(layer, c);
            Variable x = Variable.parameter(c.input("x"));
            Variable y = layer.forward(x, Masks.keyPadding(c.input("key_padding_mask")));
            y.backward(c.input("g"));
            assertRelative(c.output("y"), y.data(), FORWARD, c + ": y");
            assertRelative(c.output("grad.x"), x.grad(), GRADIENT, c + ": grad x");
            ParityFixture.assertParameterGradients(layer, c);
        }
        org.junit.jupiter.api.Assertions.assertEquals(2, layers.size(), "post-norm and pre-norm cases");
    }

    @Test
    void decoderLayerWithCausalTargetMask() {
        Fixtures.Case c = Fixtures.load("decoder.json").get(0);
        TransformerDecoderLayer layer = new TransformerDecoderLayer(layerConfig(c), 1);
        ParityFixture.load(layer, c);
        Variable target = Variable.parameter(c.input("target"));
        Variable memory = Variable.parameter(c.input("memory"));
        Variable y = layer.forward(target, memory);
        y.backward(c.input("g"));
        assertRelative(c.output("y"), y.data(), FORWARD, c + ": y");
        assertRelative(c.output("grad.target"), target.grad(), GRADIENT, c + ": grad target");
        assertRelative(c.output("grad.memory"), memory.grad(), GRADIENT, c + ": grad memory");
        ParityFixture.assertParameterGradients(layer, c);
    }

    /** The patch stem, and the convolutional stem (its batch norms on batch statistics, as in training). */
    static List<Fixtures.Case> vitCases() {
        return Fixtures.load("vit.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vitCases")
    void visionTransformer(Fixtures.Case c) {
        VisionTransformer.Stem stem = c.args().has("stem") ? VisionTransformer.Stem.valueOf(
                c.args().get("stem").asText().toUpperCase()) : VisionTransformer.Stem.PATCH;
        VisionTransformer vit = new VisionTransformer(new VisionTransformer.Config(c.intArg("image_size"),
                c.intArg("channels"), c.intArg("patch_size"), c.intArg("width"), c.intArg("depth"), c.intArg("heads"),
                c.intArg("mlp_dim"), c.intArg("num_classes"), 0f, 1, stem));
        ParityFixture.load(vit, c);
        Variable images = Variable.parameter(c.input("images"));
        Variable y = vit.forward(images);
        y.backward(c.input("g"));
        assertRelative(c.output("y"), y.data(), FORWARD, c + ": logits");
        assertRelative(c.output("grad.images"), images.grad(), GRADIENT, c + ": grad images");
        ParityFixture.assertParameterGradients(vit, c);
    }

    private static LayerConfig layerConfig(Fixtures.Case c) {
        return LayerConfig.of(c.intArg("d_model"), c.intArg("nhead"), c.intArg("dim_feedforward")).withDropout(0f)
                .withNormFirst(c.boolArg("norm_first"))
                .withActivation(LayerConfig.Activation.valueOf(c.args().get("activation").asText().toUpperCase()));
    }
}
