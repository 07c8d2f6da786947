package dev.cortado.models.onnx;

import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.proto.Onnx.AttributeProto;
import dev.cortado.models.onnx.proto.Onnx.ModelProto;
import dev.cortado.models.onnx.proto.Onnx.NodeProto;
import dev.cortado.models.onnx.proto.Onnx.TensorProto;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code torch.onnx.export} files of tools/reference/gen_onnx_import.py ({@code /onnx/vit-export.onnx},
 * {@code /onnx/clip-export.onnx}) and their PyTorch inputs and outputs ({@code fixtures/onnx-import.json}),
 * for the importer tests.
 */
public final class ExportFixtures {
    public static final Fixtures.Case VIT = Fixtures.load("onnx-import.json").get(0);
    public static final Fixtures.Case CLIP = Fixtures.load("onnx-import.json").get(1);

    private ExportFixtures() {
    }

    /** The export {@code name} from the test resources. */
    public static OnnxModel load(String name) {
        return OnnxModel.load(path(name));
    }

    /** A copy of the export {@code name} in {@code dir} with {@code extra} float initializers added, loaded. */
    public static OnnxModel withInitializers(String name, Path dir, Map<String, int[]> extra) {
        return edited(name, dir, model -> extra.forEach((initializer, shape) -> {
            TensorProto.Builder tensor = TensorProto.newBuilder().setName(initializer)
                    .setDataType(OnnxDataType.FLOAT.code());
            int numel = 1;
            for (int dim : shape) {
                tensor.addDims(dim);
                numel *= dim;
            }
            for (int i = 0; i < numel; i++) {
                tensor.addFloatData(0.5f);
            }
            model.getGraphBuilder().addInitializer(tensor);
        }));
    }

    /** The export with every LayerNormalization node's epsilon set to {@code epsilon}, written into dir. */
    public static OnnxModel withLayerNormEpsilon(String name, Path dir, float epsilon) {
        return edited(name, dir, model -> {
            for (NodeProto.Builder node : model.getGraphBuilder().getNodeBuilderList()) {
                if (node.getOpType().equals("LayerNormalization")) {
                    for (AttributeProto.Builder attribute : node.getAttributeBuilderList()) {
                        if (attribute.getName().equals("epsilon")) {
                            attribute.setF(epsilon);
                        }
                    }
                }
            }
        });
    }

    private static OnnxModel edited(String name, Path dir, Consumer<ModelProto.Builder> edit) {
        try {
            ModelProto.Builder model = ModelProto.parseFrom(Files.readAllBytes(path(name))).toBuilder();
            edit.accept(model);
            Path file = dir.resolve(name);
            Files.write(file, model.build().toByteArray());
            return OnnxModel.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The export run by {@link OnnxModule} (the other way in), graph output name → value. */
    public static Map<String, Tensor> runModule(OnnxModel onnx, Map<String, Tensor> inputs) {
        OnnxModule module = new OnnxModule(onnx);
        Map<String, Variable> feeds = new LinkedHashMap<>();
        inputs.forEach((name, value) -> feeds.put(name, Variable.constant(value)));
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        try (var scope = NoGrad.enter()) {
            module.run(feeds).forEach((name, value) -> outputs.put(name, value.data()));
        }
        return outputs;
    }

    private static Path path(String name) {
        try {
            return Path.of(ExportFixtures.class.getResource("/onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
