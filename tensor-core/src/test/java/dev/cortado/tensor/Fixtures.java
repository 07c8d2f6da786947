package dev.cortado.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the PyTorch reference fixtures written by {@code tools/reference/gen_*.py} (format described in
 * {@code tools/reference/fixtures.py}) from the test resources folder {@code fixtures/}.
 */
public final class Fixtures {
    private static final JsonMapper MAPPER = new JsonMapper();

    private Fixtures() {
    }

    /** One reference case: named inputs and outputs plus the op's arguments. */
    public record Case(String name, String op, JsonNode args, JsonNode inputs, JsonNode outputs) {
        /** The op input (a view when the fixture asks for one). */
        public Tensor input(String key) {
            return decode(require(inputs, key));
        }

        public Tensor output(String key) {
            return decode(require(outputs, key));
        }

        /** The inputs whose names start with {@code prefix} (e.g. a model's weights under "param."), prefix removed. */
        public java.util.Map<String, Tensor> inputsWithPrefix(String prefix) {
            java.util.Map<String, Tensor> out = new java.util.LinkedHashMap<>();
            inputs.fieldNames().forEachRemaining(key -> {
                if (key.startsWith(prefix)) {
                    out.put(key.substring(prefix.length()), input(key));
                }
            });
            return out;
        }

        public boolean hasInput(String key) {
            return inputs.has(key);
        }

        public int intArg(String key) {
            return require(args, key).asInt();
        }

        public double doubleArg(String key) {
            return require(args, key).asDouble();
        }

        public boolean boolArg(String key) {
            return require(args, key).asBoolean();
        }

        public int[] intsArg(String key) {
            return ints(require(args, key));
        }

        private JsonNode require(JsonNode node, String key) {
            JsonNode value = node.get(key);
            if (value == null) {
                throw new IllegalArgumentException("fixture case '" + name + "' has no '" + key + "'");
            }
            return value;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** All cases of {@code fixtures/<file>}. */
    public static List<Case> load(String file) {
        String resource = "/fixtures/" + file;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource
                        + " (regenerate with tools/reference/generate_all.sh)");
            }
            JsonNode root = MAPPER.readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                cases.add(new Case(c.get("name").asText(), c.get("op").asText(), c.get("args"), c.get("inputs"),
                        c.get("outputs")));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** Builds the tensor a fixture entry describes, applying its optional permute and slice. */
    public static Tensor decode(JsonNode node) {
        int[] shape = ints(node.get("shape"));
        JsonNode data = node.get("data");
        Tensor base = switch (node.get("dtype").asText()) {
            case "float32" -> {
                String text = data.asText().trim();
                String[] tokens = text.isEmpty() ? new String[0] : text.split(" ");
                float[] values = new float[tokens.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.parseFloat(tokens[i]);
                }
                yield Tensor.fromArray(values, shape);
            }
            case "int64" -> {
                long[] values = new long[data.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = data.get(i).asLong();
                }
                yield Tensor.fromLongs(values, shape);
            }
            case "bool" -> {
                boolean[] values = new boolean[data.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = data.get(i).asBoolean();
                }
                yield Tensor.fromBooleans(values, shape);
            }
            default -> throw new IllegalArgumentException("unknown fixture dtype " + node.get("dtype"));
        };
        if (node.has("permute")) {
            base = base.permute(ints(node.get("permute")));
        }
        if (node.has("slice")) {
            int[] s = ints(node.get("slice"));
            base = base.slice(s[0], s[1], s[2], s[3]);
        }
        return base;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
