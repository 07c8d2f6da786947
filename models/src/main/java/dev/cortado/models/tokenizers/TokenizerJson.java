package dev.cortado.models.tokenizers;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a Hugging Face {@code tokenizer.json} into a {@link Tokenizer}. Components read (anything else fails
 * with a {@link TokenizerFormatException} naming the file, the field and the problem):
 * <ul>
 *   <li>model: {@code WordPiece}, {@code BPE} (merges as {@code "a b"} strings or {@code ["a", "b"]} pairs);</li>
 *   <li>normalizer: {@code BertNormalizer}, {@code Sequence}, {@code NFC}/{@code NFD}/{@code NFKC}/{@code NFKD},
 *       {@code Lowercase}, {@code Replace};</li>
 *   <li>pre_tokenizer: {@code BertPreTokenizer}, {@code Sequence}, {@code Split}, {@code ByteLevel},
 *       {@code Whitespace}, {@code WhitespaceSplit};</li>
 *   <li>post_processor: {@code TemplateProcessing}, {@code BertProcessing}, {@code RobertaProcessing},
 *       {@code ByteLevel} (offsets only: no special tokens);</li>
 *   <li>added_tokens, truncation and padding.</li>
 * </ul>
 * The JSON is parsed as a tree, so memory follows the file's actual size; no count in the file is trusted.
 */
public final class TokenizerJson {

    /** Content after the top-level object (a second object, stray bytes) is malformed too. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final String file;

    private TokenizerJson(String file) {
        this.file = file;
    }

    /** Reads {@code file}; the message of every failure starts with its path. */
    public static Tokenizer load(Path file) throws IOException {
        // A FIFO or a device would block the read or never end.
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new TokenizerFormatException(file.toString(), "not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads a tokenizer.json from {@code in}; {@code name} is the file name used in error messages. */
    public static Tokenizer read(InputStream in, String name) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JacksonException e) {
            throw new TokenizerFormatException(name, "malformed JSON: " + e.getOriginalMessage(), e);
        }
        return new TokenizerJson(name).tokenizer(Json.root(name, root));
    }

    private Tokenizer tokenizer(Json root) throws TokenizerFormatException {
        AddedTokens added = addedTokens(root);
        TokenModel model = model(root.object("model"));
        return new Tokenizer(added,
                root.isNull("normalizer") ? Normalizer.identity() : normalizer(root.object("normalizer")),
                root.isNull("pre_tokenizer") ? PreTokenizer.identity() : preTokenizer(root.object("pre_tokenizer")),
                model,
                root.isNull("post_processor") ? Template.none() : template(root.object("post_processor")),
                root.isNull("truncation") ? null : truncation(root.object("truncation")),
                root.isNull("padding") ? null : padding(root.object("padding")));
    }

    private AddedTokens addedTokens(Json root) throws TokenizerFormatException {
        List<AddedTokens.Token> tokens = new ArrayList<>();
        if (!root.isNull("added_tokens")) {
            int n = root.array("added_tokens").size();
            for (int i = 0; i < n; i++) {
                Json token = root.element("added_tokens", i);
                if (token.bool("single_word", false)) {
                    throw token.error("single_word", "true is not supported");
                }
                boolean special = token.bool("special", false);
                tokens.add(new AddedTokens.Token(token.string("content"), token.count("id"),
                        token.bool("normalized", !special), token.bool("lstrip", false),
                        token.bool("rstrip", false)));
            }
        }
        return new AddedTokens(tokens);
    }

    private TokenModel model(Json model) throws TokenizerFormatException {
        String type = model.string("type");
        Map<String, Integer> vocab = vocab(model);
        return switch (type) {
            case "WordPiece" -> {
                String unknown = model.string("unk_token", "[UNK]");
                if (!vocab.containsKey(unknown)) {
                    throw model.error("unk_token", "'" + unknown + "' is not in the vocabulary");
                }
                yield new WordPiece(vocab, vocab.get(unknown), model.string("continuing_subword_prefix", "##"),
                        model.count("max_input_chars_per_word", 100));
            }
            case "BPE" -> bpe(model, vocab);
            default -> throw model.error("type", "unsupported model type '" + type + "' (WordPiece or BPE)");
        };
    }

    private Map<String, Integer> vocab(Json model) throws TokenizerFormatException {
        Json vocab = model.object("vocab");
        Map<String, Integer> map = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = vocab.node().fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            map.put(entry.getKey(), vocab.count(entry.getKey(), entry.getValue()));
        }
        if (map.isEmpty()) {
            throw model.error("vocab", "empty");
        }
        return map;
    }

    private Bpe bpe(Json model, Map<String, Integer> vocab) throws TokenizerFormatException {
        if (model.bool("byte_fallback", false)) {
            throw model.error("byte_fallback", "true is not supported");
        }
        if (!model.isNull("dropout") && model.require("dropout").asDouble(1) != 0) {
            throw model.error("dropout", "BPE dropout is not supported");
        }
        if (!model.string("continuing_subword_prefix", "").isEmpty()) {
            throw model.error("continuing_subword_prefix", "a BPE continuation prefix is not supported");
        }
        JsonNode list = model.array("merges");
        String[][] merges = new String[list.size()][];
        for (int i = 0; i < merges.length; i++) {
            merges[i] = merge(model, i, list.get(i));
        }
        try {
            return new Bpe(vocab, merges, model.string("unk_token", null), model.string("end_of_word_suffix", ""),
                    model.bool("fuse_unk", false), model.bool("ignore_merges", false));
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file, "model: " + e.getMessage(), e);
        }
    }

    private static String[] merge(Json model, int index, JsonNode merge) throws TokenizerFormatException {
        if (merge.isTextual()) {
            String[] parts = merge.textValue().split(" ", -1);
            if (parts.length == 2) {
                return parts;
            }
        } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
            return new String[] {merge.get(0).textValue(), merge.get(1).textValue()};
        }
        throw model.error("merges[" + index + "]", "expected \"left right\" or [\"left\", \"right\"], found " + merge);
    }

    private Normalizer normalizer(Json json) throws TokenizerFormatException {
        String type = json.string("type");
        return switch (type) {
            case "BertNormalizer" -> {
                boolean lowercase = json.bool("lowercase", true);
                yield new BertNormalizer(json.bool("clean_text", true), json.bool("handle_chinese_chars", true),
                        json.bool("strip_accents", lowercase), lowercase);
            }
            case "Sequence" -> {
                List<Normalizer> steps = new ArrayList<>();
                for (int i = 0; i < json.array("normalizers").size(); i++) {
                    steps.add(normalizer(json.element("normalizers", i)));
                }
                yield Normalizer.sequence(steps);
            }
            case "NFC", "NFD", "NFKC", "NFKD" -> Normalizer.unicode(Form.valueOf(type));
            case "Lowercase" -> Normalizer.lowercase();
            case "Replace" -> Normalizer.replace(pattern(json), json.string("content"));
            default -> throw json.error("type", "unsupported normalizer '" + type + "'");
        };
    }

    private PreTokenizer preTokenizer(Json json) throws TokenizerFormatException {
        String type = json.string("type");
        return switch (type) {
            case "BertPreTokenizer" -> new BertPreTokenizer();
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                for (int i = 0; i < json.array("pretokenizers").size(); i++) {
                    steps.add(preTokenizer(json.element("pretokenizers", i)));
                }
                yield PreTokenizer.sequence(steps);
            }
            case "Split" -> {
                String behavior = json.string("behavior");
                if (!behavior.equals("Removed") && !behavior.equals("Isolated")) {
                    throw json.error("behavior", "unsupported split behavior '" + behavior + "'");
                }
                yield new SplitPreTokenizer(pattern(json), behavior.equals("Isolated"), json.bool("invert", false));
            }
            case "ByteLevel" -> new ByteLevel(json.bool("add_prefix_space", true), json.bool("use_regex", true));
            case "Whitespace" -> new SplitPreTokenizer(compile(json, "\\w+|[^\\w\\s]+"), false, true);
            case "WhitespaceSplit" -> new SplitPreTokenizer(compile(json, "\\s+"), false, false);
            default -> throw json.error("type", "unsupported pre_tokenizer '" + type + "'");
        };
    }

    /** The {@code pattern} field: {@code {"Regex": "..."}} or {@code {"String": "..."}} (taken literally). */
    private Pattern pattern(Json json) throws TokenizerFormatException {
        Json pattern = json.object("pattern");
        if (!pattern.isNull("Regex")) {
            return compile(pattern, pattern.string("Regex"));
        }
        return Pattern.compile(Pattern.quote(pattern.string("String")));
    }

    private Pattern compile(Json json, String regex) throws TokenizerFormatException {
        try {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw json.error("Regex", "invalid regular expression: " + e.getDescription());
        }
    }

    private Template template(Json json) throws TokenizerFormatException {
        String type = json.string("type");
        return switch (type) {
            case "TemplateProcessing" -> {
                Json specials = json.object("special_tokens");
                yield new Template(parts(json, "single", specials), parts(json, "pair", specials));
            }
            case "BertProcessing", "RobertaProcessing" -> {
                int cls = tokenId(json, "cls");
                int sep = tokenId(json, "sep");
                // BERT: [CLS] A [SEP] B [SEP], B's part with type id 1; RoBERTa: <s> A </s> </s> B </s>, all 0.
                boolean bert = type.equals("BertProcessing");
                yield new Template(
                        List.of(Template.Part.special(0, cls), Template.Part.sequence(0, 0),
                                Template.Part.special(0, sep)),
                        List.of(Template.Part.special(0, cls), Template.Part.sequence(0, 0),
                                Template.Part.special(0, bert ? new int[] {sep} : new int[] {sep, sep}),
                                Template.Part.sequence(1, bert ? 1 : 0), Template.Part.special(bert ? 1 : 0, sep)));
            }
            case "ByteLevel" -> Template.none();
            default -> throw json.error("type", "unsupported post_processor '" + type + "'");
        };
    }

    /** A {@code ["token", id]} pair of BertProcessing/RobertaProcessing. */
    private static int tokenId(Json json, String field) throws TokenizerFormatException {
        JsonNode pair = json.array(field);
        if (pair.size() != 2 || !pair.get(0).isTextual()) {
            throw json.error(field, "expected [\"token\", id], found " + pair);
        }
        return json.count(field + "[1]", pair.get(1));
    }

    private List<Template.Part> parts(Json json, String field, Json specials) throws TokenizerFormatException {
        List<Template.Part> parts = new ArrayList<>();
        for (int i = 0; i < json.array(field).size(); i++) {
            Json item = json.element(field, i);
            if (!item.isNull("SpecialToken")) {
                Json special = item.object("SpecialToken");
                Json entry = specials.object(special.string("id"));
                JsonNode idList = entry.array("ids");
                int[] ids = new int[idList.size()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = entry.count("ids[" + k + "]", idList.get(k));
                }
                parts.add(Template.Part.special(special.count("type_id", 0), ids));
            } else {
                Json sequence = item.object("Sequence");
                String id = sequence.string("id");
                if (!id.equals("A") && !id.equals("B")) {
                    throw sequence.error("id", "expected A or B, found '" + id + "'");
                }
                parts.add(Template.Part.sequence(id.equals("A") ? 0 : 1, sequence.count("type_id", 0)));
            }
        }
        return parts;
    }

    private static Truncation truncation(Json json) throws TokenizerFormatException {
        String strategy = json.string("strategy", "LongestFirst");
        Truncation.Strategy parsed = switch (strategy) {
            case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
            case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
            case "OnlySecond" -> Truncation.Strategy.ONLY_SECOND;
            default -> throw json.error("strategy", "unknown truncation strategy '" + strategy + "'");
        };
        return new Truncation(json.count("max_length"), parsed, direction(json));
    }

    private static Padding padding(Json json) throws TokenizerFormatException {
        JsonNode strategy = json.require("strategy");
        int length;
        if (strategy.isTextual() && strategy.textValue().equals("BatchLongest")) {
            length = 0;
        } else if (strategy.isObject() && strategy.has("Fixed")) {
            length = json.object("strategy").count("Fixed");
        } else {
            throw json.error("strategy", "expected \"BatchLongest\" or {\"Fixed\": n}, found " + strategy);
        }
        return new Padding(length, json.count("pad_to_multiple_of", 0), direction(json),
                json.count("pad_id", 0), json.count("pad_type_id", 0));
    }

    /** True for {@code "Left"}, false for {@code "Right"} (the default). */
    private static boolean direction(Json json) throws TokenizerFormatException {
        String direction = json.string("direction", "Right");
        if (!direction.equals("Left") && !direction.equals("Right")) {
            throw json.error("direction", "expected Left or Right, found '" + direction + "'");
        }
        return direction.equals("Left");
    }
}
