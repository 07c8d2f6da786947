package dev.cortado.models.vit;

import dev.cortado.models.onnx.OnnxImportReport;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.onnx.OnnxWeightMapper;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.transformer.VisionTransformer;
import java.util.Map;

/**
 * Loads a Vision Transformer exported to ONNX by {@code torch.onnx.export} from a PyTorch module with the keys
 * of Cortado's {@link VisionTransformer} ({@code class_token}, {@code pos_embedding}, {@code patch_embed} a
 * Conv2d, {@code encoder.layers.N} {@code nn.TransformerEncoderLayer}s (pre-norm, GELU), {@code norm},
 * {@code head}):
 * <pre>{@code
 * VitOnnxImporter.Result imported = VitOnnxImporter.load(OnnxModel.load(Path.of("vit.onnx")), null, true);
 * Variable logits = imported.model().forward(images);      // [B, numClasses]
 * }</pre>
 * The weights are placed by {@link OnnxWeightMapper}: the exporter keeps the parameter names except for the
 * packed attention projection and the MLP weights, which it stores as anonymous transposed
 * {@code onnx::MatMul_NNN} initializers, placed by the bias their product meets
 * ({@code ...self_attn.in_proj_bias → in_proj_weight}, {@code ...linear1.bias → linear1.weight}).
 *
 * <p>The configuration is read from the weights: width, channels and patch size from {@code patch_embed.weight
 * [width, channels, p, p]}; the image size from {@code pos_embedding [1, (S/p)² + 1, width]}; depth from the
 * numbered layers; the MLP width from {@code linear1}; the classes from {@code head.weight}; the head count
 * from the attention's 1/√d_head scaling in the graph ({@link OnnxWeightMapper#attentionHeads}). Dropout is 0.
 * Cortado's ViT uses LayerNorm eps 1e-5, PyTorch's default; an export with another epsilon is refused.
 */
public final class VitOnnxImporter {
    private static final String NAME = "VitOnnxImporter";

    /** The loaded ViT (in eval mode), the configuration it was built with, and the import report. */
    public record Result(VisionTransformer model, VisionTransformer.Config config, OnnxImportReport report) {
    }

    private VitOnnxImporter() {
    }

    /**
     * Builds a {@link VisionTransformer} from an ONNX export. {@code config} null infers it from the graph.
     * Strict loads fail when the report is not {@link OnnxImportReport#clean() clean}, with the whole report,
     * and load nothing; otherwise unfilled keys keep their random initialisation and the report says which.
     *
     * @throws IllegalArgumentException naming the file and carrying the whole report
     */
    public static Result load(OnnxModel onnx, VisionTransformer.Config config, boolean strict) {
        OnnxWeightMapper mapper = new OnnxWeightMapper(onnx, NAME, Map.of());
        mapper.requireLayerNormEpsilon(LayerNorm.DEFAULT_EPS, "VisionTransformer");
        VisionTransformer.Config used = config != null ? config : inferConfig(mapper, "");
        VisionTransformer vit = new VisionTransformer(used);
        vit.eval();
        OnnxImportReport report = mapper.load(vit, "VisionTransformer " + used, Map.of(), strict);
        return new Result(vit, used, report);
    }

    /**
     * The configuration of the ViT whose placed weights carry keys under {@code prefix} ({@code ""}, or
     * {@code "vision."} inside a CLIP model). Without {@code head.weight} (an export that never runs the
     * head) the ViT gets one class.
     *
     * @throws IllegalArgumentException when a weight it needs is absent or does not fit a ViT
     */
    public static VisionTransformer.Config inferConfig(OnnxWeightMapper mapper, String prefix) {
        int[] patchEmbed = mapper.shape(prefix + "patch_embed.weight", 4);      // [width, channels, p, p]
        int width = patchEmbed[0];
        int patch = patchEmbed[2];
        int tokens = mapper.shape(prefix + "pos_embedding", 3)[1];               // (S/p)² patches + the class token
        int side = (int) Math.round(Math.sqrt(tokens - 1));
        if (patchEmbed[3] != patch || side < 1 || side * side != tokens - 1) {
            throw new IllegalArgumentException(NAME + ": cannot infer the image size: " + prefix + "patch_embed.weight "
                    + "has a " + patch + "x" + patchEmbed[3] + " kernel and " + prefix + "pos_embedding " + tokens
                    + " tokens, not a square grid of square patches plus a class token (pass the configuration)");
        }
        int depth = mapper.blockCount(prefix + "encoder.layers.");
        String layer = prefix + "encoder.layers.0.";
        int mlp = mapper.shape(layer + "linear1.weight", 2)[0];
        int heads = mapper.attentionHeads(layer + "self_attn.in_proj_weight", width);
        String head = prefix + "head.weight";
        int classes = mapper.weights().containsKey(head) ? mapper.shape(head, 2)[0] : 1;
        return new VisionTransformer.Config(side * patch, patchEmbed[1], patch, width, depth, heads, mlp, classes,
                0f, 0L);
    }
}
