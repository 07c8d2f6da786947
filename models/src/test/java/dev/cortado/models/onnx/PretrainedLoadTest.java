package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.models.bert.PretrainedBert;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loads the real all-MiniLM-L6-v2 (90 MB) and bge-small-en-v1.5 (133 MB) exports, carried as resources by the
 * test-scope langchain4j artifacts, and checks their initializers against values read with the onnx Python
 * package. Prints the cold and warm load times; the target is ≤ 1 s warm for MiniLM, reported rather
 * than asserted.
 */
class PretrainedLoadTest {
    private static final int WARM_RUNS = 5;

    @Test
    void loadsTheMiniLmExportWithAllItsInitializers() throws IOException {
        OnnxModel model = timedLoad(PretrainedBert.MINILM);
        assertEquals(14, model.opsetVersion(""));
        assertEquals(692, model.graph().nodes().size());
        assertEquals(104, model.initializers().size());
        assertEquals(103, floats(model));
        assertEquals(22_713_728, parameters(model));
        Tensor words = model.graph().initializer("embeddings.word_embeddings.weight").values();
        assertArrayEquals(new int[] {30522, 384}, words.shape());
        // Exact float32 values from onnx.numpy_helper.to_array.
        assertArrayEquals(new float[] {-0.017619397f, -0.0076005496f, 0.047105543f},
                words.select(0, 101).narrow(0, 0, 3).toFloatArray());
        assertArrayEquals(new float[] {0.008096314f, 0.0045700637f}, words.select(0, 30521).narrow(0, 382, 2)
                .toFloatArray());
        Tensor positions = model.graph().initializer("embeddings.position_ids").values();
        assertArrayEquals(new int[] {1, 512}, positions.shape());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, positions.select(0, 0).narrow(0, 0, 5).toLongArray());
        assertArrayEquals(new int[] {384, 384}, model.graph().initializer("onnx::MatMul_885").shape());
        assertEquals(3, model.graph().runtimeInputs().size());
    }

    /** Xenova's opset-11 export: 12 layers, no position_ids or pooler initializers (positions come from a Slice). */
    @Test
    void loadsTheBgeSmallExportWithAllItsInitializers() throws IOException {
        OnnxModel model = timedLoad(PretrainedBert.BGE_SMALL);
        assertEquals(11, model.opsetVersion(""));
        assertEquals(1244, model.graph().nodes().size());
        assertEquals(197, model.initializers().size());
        assertEquals(197, floats(model));
        assertEquals(33_212_160, parameters(model));
        Tensor words = model.graph().initializer("embeddings.word_embeddings.weight").values();
        assertArrayEquals(new int[] {30522, 384}, words.shape());
        // Exact float32 values from onnx.numpy_helper.to_array.
        assertArrayEquals(new float[] {-0.025146484375f, -0.01302337646484375f, 0.048980712890625f},
                words.select(0, 101).narrow(0, 0, 3).toFloatArray());
        assertArrayEquals(new float[] {0.055145263671875f, 0.0518798828125f}, words.select(0, 30521).narrow(0, 382, 2)
                .toFloatArray());
        assertArrayEquals(new int[] {1536, 384}, model.graph().initializer("onnx::MatMul_1680").shape());
        assertEquals(3, model.graph().runtimeInputs().size());
    }

    /** One cold load and {@value #WARM_RUNS} warm ones of the model's ONNX file; prints the times and counts. */
    private static OnnxModel timedLoad(PretrainedBert pretrained) throws IOException {
        Path file = pretrained.onnx();
        long[] nanos = new long[1 + WARM_RUNS];
        OnnxModel model = null;
        for (int run = 0; run < nanos.length; run++) {
            long start = System.nanoTime();
            model = OnnxModel.load(file);
            nanos[run] = System.nanoTime() - start;
        }
        long[] warm = Arrays.copyOfRange(nanos, 1, nanos.length);
        Arrays.sort(warm);
        System.out.printf("%s (%,d bytes): load %.0f ms cold, %.0f ms warm (median of %d); %d nodes, %d initializers "
                        + "(%d FLOAT), %,d values%n", file.getFileName(), Files.size(file), nanos[0] / 1e6,
                warm[warm.length / 2] / 1e6, warm.length, model.graph().nodes().size(), model.initializers().size(),
                floats(model), parameters(model));
        return model;
    }

    private static long floats(OnnxModel model) {
        return model.initializers().values().stream().filter(t -> t.dataType() == OnnxDataType.FLOAT).count();
    }

    private static long parameters(OnnxModel model) {
        Map<String, OnnxTensor> initializers = model.initializers();
        return initializers.values().stream().mapToLong(t -> t.values().numel()).sum();
    }
}
