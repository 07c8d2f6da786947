package dev.cortado.models.clip;

import dev.cortado.models.onnx.OnnxImportReport;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.onnx.OnnxWeightMapper;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.models.vit.VitOnnxImporter;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.transformer.VisionTransformer;
import java.util.Map;

/**
 * Loads a CLIP-style dual encoder exported to ONNX by {@code torch.onnx.export} from a PyTorch module with the
 * keys of Cortado's {@link ClipModel} with a {@link VisionTransformer} image tower and a {@link TextTransformer}
 * text tower ({@code vision.*}, {@code text.*}, {@code image_projection.weight}, {@code text_projection.weight},
 * {@code logit_scale}):
 * <pre>{@code
 * ClipOnnxImporter.Result imported = ClipOnnxImporter.load(OnnxModel.load(Path.of("clip.onnx")), tokenizer, null, true);
 * ClipModel clip = imported.model();
 * Variable logits = clip.logits(images, List.of("a photo of a coat.", "a photo of a bag."));
 * }</pre>
 * The weights are placed by {@link OnnxWeightMapper}: attention and MLP weights by the bias their product
 * meets, the bias-free projections ({@code onnx::MatMul_NNN}, transposed) by their node's scope
 * ({@code /image_projection/MatMul}). The export never runs the image tower's classification head, so
 * {@code vision.head.*} is absent from the file; the report lists those keys as ignored (ClipModel freezes and
 * never uses them).
 *
 * <p>The configuration is inferred from the weights and the graph: the image tower as
 * {@link VitOnnxImporter#inferConfig} reads it (under {@code vision.}); the text tower's vocabulary and width
 * from {@code text.token_embedding.weight}, its context length from {@code text.positional_embedding}, layers,
 * MLP width and heads as for the ViT; the embedding dimension from {@code image_projection.weight}. Dropout is 0.
 */
public final class ClipOnnxImporter {
    private static final String NAME = "ClipOnnxImporter";
    private static final Map<String, String> UNUSED = Map.of("vision.head.",
            "the image tower's classification head: ClipModel uses the ViT's features, so the export has no head");

    /** The architecture of the imported model: both towers and the shared embedding dimension. */
    public record Config(VisionTransformer.Config vision, TextTransformer.Config text, int embedDim) {
    }

    /** The loaded model (in eval mode), the configuration it was built with, and the import report. */
    public record Result(ClipModel model, Config config, OnnxImportReport report) {
    }

    private ClipOnnxImporter() {
    }

    /**
     * Builds a {@link ClipModel} from an ONNX export, its text tower reading texts with {@code tokenizer}
     * (whose ids must be below the exported vocabulary). {@code config} null infers it from the graph. Strict
     * loads fail when the report is not {@link OnnxImportReport#clean() clean}, with the whole report, and
     * load nothing; otherwise unfilled keys keep their random initialisation and the report says which.
     *
     * @throws IllegalArgumentException naming the file and carrying the whole report, or when the export's
     *                                  LayerNorm epsilon is not the towers' 1e-5
     */
    public static Result load(OnnxModel onnx, Tokenizer tokenizer, Config config, boolean strict) {
        OnnxWeightMapper mapper = new OnnxWeightMapper(onnx, NAME, Map.of());
        mapper.requireLayerNormEpsilon(LayerNorm.DEFAULT_EPS, "ClipModel");
        Config used = config != null ? config : inferConfig(mapper);
        ClipModel clip = new ClipModel(new VisionTransformer(used.vision()),
                new TextTransformer(used.text(), tokenizer), used.embedDim(), 0L);
        clip.eval();
        OnnxImportReport report = mapper.load(clip, "ClipModel " + used, UNUSED, strict);
        return new Result(clip, used, report);
    }

    private static Config inferConfig(OnnxWeightMapper mapper) {
        VisionTransformer.Config vision = VitOnnxImporter.inferConfig(mapper, "vision.");
        int[] tokens = mapper.shape("text.token_embedding.weight", 2);           // [vocab, width]
        int width = tokens[1];
        int context = mapper.shape("text.positional_embedding", 2)[0];          // [maxLength, width]
        int layers = mapper.blockCount("text.transformer.layers.");
        String layer = "text.transformer.layers.0.";
        int mlp = mapper.shape(layer + "linear1.weight", 2)[0];
        int heads = mapper.attentionHeads(layer + "self_attn.in_proj_weight", width);
        TextTransformer.Config text = new TextTransformer.Config(tokens[0], context, width, layers, heads, mlp, 0f, 0L);
        int embedDim = mapper.shape("image_projection.weight", 2)[0];           // [E, visionWidth]
        return new Config(vision, text, embedDim);
    }
}
