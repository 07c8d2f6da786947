package dev.cortado.models.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed access to one object of a {@code tokenizer.json}: every getter names the field by its dotted path
 * ({@code model.vocab}) and throws {@link TokenizerFormatException} when it is missing or of the wrong type,
 * so the loader never has to check a node twice.
 *
 * @param file the file name used in error messages
 * @param path the dotted path of {@code node} inside the file ({@code ""} for the root)
 * @param node the JSON object
 */
record Json(String file, String path, JsonNode node) {

    /** The root object of a parsed file. */
    static Json root(String file, JsonNode node) throws TokenizerFormatException {
        if (node == null || !node.isObject()) {
            throw new TokenizerFormatException(file, "top level: expected a JSON object");
        }
        return new Json(file, "", node);
    }

    String where(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    TokenizerFormatException error(String field, String problem) {
        return new TokenizerFormatException(file, where(field) + ": " + problem);
    }

    /** True when the field is absent or JSON {@code null}. */
    boolean isNull(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull();
    }

    JsonNode require(String field) throws TokenizerFormatException {
        if (isNull(field)) {
            throw error(field, "missing");
        }
        return node.get(field);
    }

    Json object(String field) throws TokenizerFormatException {
        JsonNode value = require(field);
        if (!value.isObject()) {
            throw error(field, "expected an object, found " + value.getNodeType());
        }
        return new Json(file, where(field), value);
    }

    /** Element {@code index} of the array field, which must be an object. */
    Json element(String field, int index) throws TokenizerFormatException {
        JsonNode value = array(field).get(index);
        String at = field + "[" + index + "]";
        if (!value.isObject()) {
            throw error(at, "expected an object, found " + value.getNodeType());
        }
        return new Json(file, where(at), value);
    }

    JsonNode array(String field) throws TokenizerFormatException {
        JsonNode value = require(field);
        if (!value.isArray()) {
            throw error(field, "expected an array, found " + value.getNodeType());
        }
        return value;
    }

    String string(String field) throws TokenizerFormatException {
        JsonNode value = require(field);
        if (!value.isTextual()) {
            throw error(field, "expected a string, found " + value.getNodeType());
        }
        return value.textValue();
    }

    String string(String field, String fallback) throws TokenizerFormatException {
        return isNull(field) ? fallback : string(field);
    }

    boolean bool(String field, boolean fallback) throws TokenizerFormatException {
        if (isNull(field)) {
            return fallback;
        }
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw error(field, "expected true or false, found " + value.getNodeType());
        }
        return value.booleanValue();
    }

    /** A non-negative int field. */
    int count(String field) throws TokenizerFormatException {
        return count(field, require(field));
    }

    int count(String field, int fallback) throws TokenizerFormatException {
        return isNull(field) ? fallback : count(field);
    }

    int count(String field, JsonNode value) throws TokenizerFormatException {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw error(field, "expected a non-negative 32-bit integer, found " + value);
        }
        return value.intValue();
    }
}
