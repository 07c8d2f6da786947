package dev.cortado.models.vit;

import static dev.cortado.autograd.ParityAssert.FORWARD;
import static dev.cortado.autograd.ParityAssert.assertRelative;
import static dev.cortado.models.onnx.ExportFixtures.VIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.ExportFixtures;
import dev.cortado.models.onnx.OnnxImportReport;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ViT exported by {@code torch.onnx.export} (opset 17, dynamic batch; tools/reference/gen_onnx_import.py)
 * imported into {@link VisionTransformer}: the configuration inferred, every weight placed, and the logits
 * equal PyTorch's within a relative error of 1e-5 ({@link dev.cortado.autograd.ParityAssert#FORWARD}: max
 * |difference| over max |PyTorch value|), both imported and run as a graph by {@code OnnxModule}.
 */
class VitOnnxImporterTest {
    private static final String FILE = "vit-export.onnx";
    private static final OnnxModel ONNX = ExportFixtures.load(FILE);

    @TempDir
    Path dir;

    private static VisionTransformer.Config exportedConfig() {
        return new VisionTransformer.Config(VIT.intArg("image"), VIT.intArg("channels"), VIT.intArg("patch"),
                VIT.intArg("width"), VIT.intArg("depth"), VIT.intArg("heads"), VIT.intArg("mlp"), VIT.intArg("classes"),
                0f, 0L);
    }

    @Test
    void importInfersTheConfigurationPlacesEveryWeightAndMatchesPyTorch() {
        VitOnnxImporter.Result imported = VitOnnxImporter.load(ONNX, null, true);
        OnnxImportReport report = imported.report();
        assertTrue(report.clean(), report.toString());
        assertEquals(exportedConfig(), imported.config());
        // 4 top-level tensors, norm and head (2 each), and 12 per encoder layer.
        assertEquals(4 + 2 + 2 + 2 * 12, report.mapped().size(), report.toString());
        // The packed attention projection and the MLP weights come back from anonymous transposed MatMul weights.
        for (String key : new String[] {"self_attn.in_proj_weight", "linear1.weight", "linear2.weight"}) {
            String source = report.mapped().get("encoder.layers.1." + key);
            assertTrue(source.startsWith("onnx::MatMul_") && source.endsWith(" (transposed)"), key + " ← " + source);
        }
        assertEquals("class_token", report.mapped().get("class_token"));
        try (var scope = NoGrad.enter()) {
            Variable logits = imported.model().forward(Variable.constant(VIT.input("images")));
            assertRelative(VIT.output("logits"), logits.data(), FORWARD, "imported ViT logits");
        }
    }

    @Test
    void theGraphModuleRunsTheSameExportToPyTorchsLogits() {
        Map<String, Tensor> outputs = ExportFixtures.runModule(ONNX, Map.of("images", VIT.input("images")));
        assertRelative(VIT.output("logits"), outputs.get("logits"), FORWARD, "OnnxModule logits");
    }

    @Test
    void aWrongWidthFailsWithEveryMisfitAtOnceAndANonStrictLoadKeepsWhatFits() {
        VisionTransformer.Config exported = exportedConfig();
        VisionTransformer.Config narrow = new VisionTransformer.Config(exported.imageSize(), exported.channels(),
                exported.patchSize(), 8, exported.depth(), 2, exported.mlpDim(), exported.numClasses(), 0f, 0L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VitOnnxImporter.load(ONNX, narrow, true));
        String message = e.getMessage();
        assertTrue(message.startsWith("VitOnnxImporter: " + ONNX.file() + " does not fit VisionTransformer"), message);
        assertTrue(message.contains("patch_embed.weight: model [8, 3, 4, 4] vs onnx patch_embed.weight [16, 3, 4, 4]"),
                message);
        assertTrue(message.matches("(?s).*encoder\\.layers\\.0\\.self_attn\\.in_proj_weight: model \\[24, 8] vs onnx "
                + "onnx::MatMul_\\d+ \\(transposed\\) \\[48, 16].*"), message);

        OnnxImportReport report = VitOnnxImporter.load(ONNX, narrow, false).report();
        // Every tensor but the head's bias (5 classes) and the MLP's first bias (32 wide) has the width in its shape.
        assertEquals(Set.of("head.bias", "encoder.layers.0.linear1.bias", "encoder.layers.1.linear1.bias"),
                report.mapped().keySet(), report.toString());
        assertEquals(4 + 2 + 2 + 2 * 12 - 3, report.shapeMismatches().size(), report.toString());
        assertEquals(report.shapeMismatches().size(), report.unfilled().size(), report.toString());
    }

    @Test
    void extraInitializersAreReportedAsUnmapped() {
        Map<String, int[]> extra = new LinkedHashMap<>();
        extra.put("adapter.weight", new int[] {4, 16});         // a named weight the ViT has no key for
        extra.put("onnx::MatMul_9999", new int[] {16, 4});      // an anonymous weight no node reads
        OnnxModel onnx = ExportFixtures.withInitializers(FILE, dir, extra);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VitOnnxImporter.load(onnx, null, true));
        assertTrue(e.getMessage().contains("adapter.weight → adapter.weight (VisionTransformer has no such key)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("onnx::MatMul_9999 [16, 4] (no consumer that identifies it)"), e.getMessage());

        VitOnnxImporter.Result loose = VitOnnxImporter.load(onnx, null, false);
        assertEquals(2, loose.report().unmapped().size(), loose.report().toString());
        assertTrue(loose.report().unfilled().isEmpty(), loose.report().toString());
        try (var scope = NoGrad.enter()) {
            Variable logits = loose.model().forward(Variable.constant(VIT.input("images")));
            assertRelative(VIT.output("logits"), logits.data(), FORWARD, "logits despite the extra initializers");
        }
    }

    @Test
    void anExportWithAnotherLayerNormEpsilonIsRefused() {
        OnnxModel onnx = ExportFixtures.withLayerNormEpsilon(FILE, dir, 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VitOnnxImporter.load(onnx, null, false));
        assertTrue(e.getMessage().contains("LayerNorm epsilon 1.0E-6 but VisionTransformer uses 1.0E-5"),
                e.getMessage());
        assertTrue(e.getMessage().contains(FILE), e.getMessage());
    }
}
