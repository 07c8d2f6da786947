package dev.cortado.models.clip;

import static dev.cortado.autograd.ParityAssert.FORWARD;
import static dev.cortado.autograd.ParityAssert.assertRelative;
import static dev.cortado.models.onnx.ExportFixtures.CLIP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.ExportFixtures;
import dev.cortado.models.onnx.OnnxImportReport;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CLIP-style dual encoder (ViT image tower, {@link TextTransformer} text tower) exported by
 * {@code torch.onnx.export} (opset 14 with LayerNorm decomposed, dynamic batch; tools/reference/gen_onnx_import.py)
 * imported into {@link ClipModel}: image embeddings, text embeddings and logits equal PyTorch's within a
 * relative error of 1e-5 ({@link dev.cortado.autograd.ParityAssert#FORWARD}: max |difference| over max
 * |PyTorch value|), both imported and run as a graph by {@code OnnxModule}.
 */
class ClipOnnxImporterTest {
    private static final OnnxModel ONNX = ExportFixtures.load("clip-export.onnx");

    private static ClipOnnxImporter.Config exportedConfig() {
        JsonNode vision = CLIP.args().get("vision");
        JsonNode text = CLIP.args().get("text");
        return new ClipOnnxImporter.Config(
                new VisionTransformer.Config(vision.get("image").asInt(), vision.get("channels").asInt(),
                        vision.get("patch").asInt(), vision.get("width").asInt(), vision.get("depth").asInt(),
                        vision.get("heads").asInt(), vision.get("mlp").asInt(), vision.get("classes").asInt(), 0f, 0L),
                new TextTransformer.Config(text.get("vocab").asInt(), text.get("max_length").asInt(),
                        text.get("width").asInt(), text.get("layers").asInt(), text.get("heads").asInt(),
                        text.get("mlp").asInt(), 0f, 0L),
                CLIP.intArg("embed_dim"));
    }

    @Test
    void importInfersTheConfigurationPlacesEveryWeightAndMatchesPyTorch() {
        ClipOnnxImporter.Result imported = ClipOnnxImporter.load(ONNX, TinyClip.tokenizer(), null, true);
        OnnxImportReport report = imported.report();
        assertTrue(report.clean(), report.toString());
        assertEquals(exportedConfig(), imported.config());
        assertTrue(report.mapped().get("image_projection.weight").endsWith(" (transposed)"), report.toString());
        assertEquals("logit_scale", report.mapped().get("logit_scale"));
        // The image tower's head is not in the export: ClipModel never uses it.
        assertEquals(2, report.ignored().stream().filter(line -> line.startsWith("vision.head.")).count(),
                report.toString());

        ClipModel clip = imported.model();
        try (var scope = NoGrad.enter()) {
            Variable images = clip.encodeImages(Variable.constant(CLIP.input("images")));
            TextTransformer text = (TextTransformer) clip.textEncoder();
            Variable texts = clip.embedTextFeatures(text.forward(CLIP.input("ids"), CLIP.input("mask")));
            assertRelative(CLIP.output("image_embeds"), images.data(), FORWARD, "image embeddings");
            assertRelative(CLIP.output("text_embeds"), texts.data(), FORWARD, "text embeddings");
            assertRelative(CLIP.output("logits"), clip.logits(images, texts).data(), FORWARD, "logits");
            // The tokenizer given to the importer feeds the text tower: its ids fit the exported vocabulary.
            assertArrayEquals(new int[] {2, 6}, clip.encodeTexts(List.of("a photo of a coat.", "a bag")).shape());
        }
    }

    @Test
    void theGraphModuleRunsTheSameExportToPyTorchsOutputs() {
        Map<String, Tensor> outputs = ExportFixtures.runModule(ONNX, Map.of("images", CLIP.input("images"),
                "ids", CLIP.input("ids"), "mask", CLIP.input("mask")));
        for (String name : List.of("image_embeds", "text_embeds", "logits")) {
            assertRelative(CLIP.output(name), outputs.get(name), FORWARD, "OnnxModule " + name);
        }
    }

    @Test
    void aTextTowerOfTheWrongShapeFailsWithTheWholeReport() {
        ClipOnnxImporter.Config exported = exportedConfig();
        TextTransformer.Config t = exported.text();
        // Two layers where the export has one, and a shorter context.
        TextTransformer.Config other = new TextTransformer.Config(t.vocabSize(), 4, t.width(), 2, t.heads(),
                t.mlpDim(), 0f, 0L);
        ClipOnnxImporter.Config config = new ClipOnnxImporter.Config(exported.vision(), other, exported.embedDim());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipOnnxImporter.load(ONNX, TinyClip.tokenizer(), config, true));
        String message = e.getMessage();
        assertTrue(message.startsWith("ClipOnnxImporter: " + ONNX.file() + " does not fit ClipModel"), message);
        String positions = "text.positional_embedding: model [4, 8] vs onnx text.positional_embedding [8, 8]";
        assertTrue(message.contains("shape mismatches [" + positions + "]"), message);
        assertTrue(message.contains("unfilled model keys [text.positional_embedding, text.transformer.layers.1."),
                message);

        OnnxImportReport report = ClipOnnxImporter.load(ONNX, TinyClip.tokenizer(), config, false).report();
        assertEquals(List.of(positions), report.shapeMismatches(), report.toString());
        assertEquals(1 + 12, report.unfilled().size(), report.toString());   // the positions and all of layer 1
    }
}
