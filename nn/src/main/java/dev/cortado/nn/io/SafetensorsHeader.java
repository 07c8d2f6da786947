package dev.cortado.nn.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cortado.tensor.Shapes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: where each tensor's bytes lie and the metadata. Nothing is
 * allocated from a size the file merely claims: the header length is checked against the file size before
 * the header is read, and every tensor's offsets against the data region before any data is read.
 *
 * <p>Valid means what the safetensors library requires: a JSON object of tensors (and an optional
 * {@code "__metadata__"} object of strings), each with a known dtype, a shape of non-negative sizes and
 * {@code data_offsets [begin, end]} with begin ≤ end and end − begin = elements × element size; taken in
 * order of their offsets the tensors tile the data region exactly (no overlap, no hole, nothing after the
 * last). The order in which the JSON lists them does not matter.
 */
record SafetensorsHeader(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    /** The safetensors library's limit on the header size. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** One tensor: its name, stored type, shape and byte range [begin, end) within the data region. */
    record Entry(String name, StoredType type, int[] shape, long begin, long end) {
        int numel() {
            return (int) ((end - begin) / type.byteSize());
        }
    }

    static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new SafetensorsFormatException(file, "the file has " + fileSize
                    + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lengthBytes = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes.getLong();
        if (headerLength < 0 || headerLength > fileSize - 8) {
            throw new SafetensorsFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the file (" + fileSize + " bytes)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(file, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(readFully(channel, 8, (int) headerLength)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(file, "the header is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(file, "the header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(file, "the header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(file, field.getValue(), metadata);
            } else {
                entries.add(entry(file, field.getKey(), field.getValue()));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(file, entries, fileSize - 8 - headerLength);
        return new SafetensorsHeader(List.copyOf(entries), Map.copyOf(metadata), 8 + headerLength);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) throws IOException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, METADATA_KEY + " is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new SafetensorsFormatException(file, METADATA_KEY + " value of '" + field.getKey()
                        + "' is not a string");
            }
            out.put(field.getKey(), field.getValue().asText());
        }
    }

    private static Entry entry(Path file, String name, JsonNode node) throws IOException {
        String where = "tensor '" + name + "'";
        if (!node.isObject() || !node.path("dtype").isTextual() || !node.path("shape").isArray()
                || !node.path("data_offsets").isArray()) {
            throw new SafetensorsFormatException(file, where + " needs \"dtype\" (a string), \"shape\" and "
                    + "\"data_offsets\" (arrays), got " + node);
        }
        String dtypeName = node.get("dtype").asText();
        StoredType type = StoredType.named(dtypeName);
        if (type == null) {
            throw new SafetensorsFormatException(file, where + " has dtype '" + dtypeName
                    + "', which is unknown or not supported (supported: " + Arrays.toString(StoredType.values()) + ")");
        }
        long[] shape = naturals(file, where + " shape", node.get("shape"));
        long[] offsets = naturals(file, where + " data_offsets", node.get("data_offsets"));
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new SafetensorsFormatException(file, where + " data_offsets " + node.get("data_offsets")
                    + " are not [begin, end] with begin <= end");
        }
        long numel = 1;
        int[] dims = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(file, where + " shape " + node.get("shape")
                        + " has a size larger than a Cortado tensor holds");
            }
            dims[d] = (int) shape[d];
            try {
                numel = Math.multiplyExact(numel, dims[d]);
            } catch (ArithmeticException e) {
                throw new SafetensorsFormatException(file, where + " shape " + node.get("shape") + " overflows");
            }
        }
        long bytes = offsets[1] - offsets[0];
        if (numel > Long.MAX_VALUE / type.byteSize() || numel * type.byteSize() != bytes) {
            throw new SafetensorsFormatException(file, where + " of " + type + " and shape " + node.get("shape")
                    + " has " + numel + " elements, which need " + numel + " × " + type.byteSize()
                    + " bytes, but data_offsets " + node.get("data_offsets") + " span " + bytes);
        }
        // Cortado bounds every leading product of the sizes, so an empty [65536, 65536, 0] is refused too.
        try {
            Shapes.numel(dims);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(file, where + " shape " + node.get("shape") + " has " + numel
                    + " elements or sizes larger than a Cortado tensor holds");
        }
        return new Entry(name, type, dims, offsets[0], offsets[1]);
    }

    /** The tensors, sorted by offsets, must cover [0, dataSize) exactly once. */
    private static void checkTiling(Path file, List<Entry> entries, long dataSize) throws IOException {
        long expected = 0;
        String previous = null;
        for (Entry e : entries) {
            if (e.end() > dataSize) {
                throw new SafetensorsFormatException(file, "tensor '" + e.name() + "' data_offsets [" + e.begin()
                        + ", " + e.end() + "] exceed the data region of " + dataSize + " bytes");
            }
            if (e.begin() < expected) {
                throw new SafetensorsFormatException(file, "tensor '" + e.name() + "' at [" + e.begin() + ", "
                        + e.end() + ") overlaps tensor '" + previous + "', which ends at " + expected);
            }
            if (e.begin() > expected) {
                throw new SafetensorsFormatException(file, "the data region has a hole of " + (e.begin() - expected)
                        + " bytes at " + expected + ", before tensor '" + e.name() + "'");
            }
            expected = e.end();
            previous = e.name();
        }
        if (expected != dataSize) {
            throw new SafetensorsFormatException(file, "the data region has " + (dataSize - expected)
                    + " bytes after the last tensor (it has " + dataSize + " bytes, the tensors cover " + expected + ")");
        }
    }

    /** An array of non-negative integers (JSON integers only, no fractions or strings). */
    private static long[] naturals(Path file, String what, JsonNode array) throws IOException {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new SafetensorsFormatException(file, what + " " + array + " is not a list of non-negative integers");
            }
            values[i] = v.asLong();
        }
        return values;
    }

    /** Reads exactly {@code length} bytes at {@code position} (the caller has checked they lie in the file). */
    static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new java.io.EOFException("unexpected end of file at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
