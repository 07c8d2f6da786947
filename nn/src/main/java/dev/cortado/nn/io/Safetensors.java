package dev.cortado.nn.io;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.nn.Module;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors):
 * <pre>
 * u64 little-endian N | N bytes of UTF-8 JSON header | data region
 * header: {"__metadata__": {str: str}?, name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * </pre>
 * with each tensor's row-major little-endian bytes at [begin, end) of the data region. Keys are the
 * PyTorch-style state-dict names, so a file written here loads with {@code safetensors.torch.load_file} into
 * a PyTorch model, and one written by PyTorch loads here.
 *
 * <pre>{@code
 * Safetensors.save(model, Path.of("model.safetensors"));
 * Module.LoadReport report = Safetensors.load(model, Path.of("model.safetensors"), true);
 * }</pre>
 */
public final class Safetensors {
    private static final JsonMapper JSON = new JsonMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    private Safetensors() {
    }

    /** The tensors of a file (in the order of their data) and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * Reads every tensor: F32, F16, BF16 and F64 as FLOAT32; I64, I32, I16, I8 and U8 as INT64; BOOL as BOOL.
     *
     * @throws SafetensorsFormatException if the file breaks the format (see {@link SafetensorsHeader})
     */
    public static Contents read(Path file) throws IOException {
        // A FIFO or a device would block the read or never end.
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new SafetensorsFormatException(file, "not a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = SafetensorsHeader.read(file, channel);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (SafetensorsHeader.Entry entry : header.entries()) {
                tensors.put(entry.name(), readTensor(channel, header.dataStart(), entry));
            }
            return new Contents(tensors, header.metadata());
        }
    }

    private static Tensor readTensor(FileChannel channel, long dataStart, SafetensorsHeader.Entry entry)
            throws IOException {
        StoredType type = entry.type();
        int numel = entry.numel();
        Tensor out = Tensor.empty(type.target(), entry.shape());
        long position = dataStart + entry.begin();
        int perChunk = CHUNK_BYTES / type.byteSize();
        for (int first = 0; first < numel; first += perChunk) {
            int count = Math.min(perChunk, numel - first);
            ByteBuffer in = SafetensorsHeader.readFully(channel, position + (long) first * type.byteSize(),
                    count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            switch (type.target()) {
                case FLOAT32 -> {
                    float[] values = out.floatData();
                    for (int i = first; i < first + count; i++) {
                        values[i] = type.readFloat(in);
                    }
                }
                case INT64 -> {
                    long[] values = out.longData();
                    for (int i = first; i < first + count; i++) {
                        values[i] = type.readLong(in);
                    }
                }
                case BOOL -> {
                    boolean[] values = out.booleanData();
                    for (int i = first; i < first + count; i++) {
                        values[i] = in.get() != 0;
                    }
                }
            }
        }
        return out;
    }

    /** Writes {@code tensors} with no metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes FLOAT32 tensors as F32, INT64 as I64 and BOOL as BOOL, laid out as the safetensors library
     * does (by dtype, larger first, then by name; header padded with spaces to a multiple of 8 bytes).
     * Atomic: the file is written under a temporary name in the same directory and renamed over
     * {@code file} only when complete, so a reader sees the old file or the new one, never a part.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>(tensors.entrySet());
        for (Map.Entry<String, Tensor> e : order) {
            if (e.getKey().isEmpty() || e.getKey().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("Safetensors.write " + file + ": invalid tensor name '"
                        + e.getKey() + "'");
            }
        }
        order.sort(Comparator.<Map.Entry<String, Tensor>, StoredType>comparing(
                        e -> StoredType.forWriting(e.getValue().dtype()), StoredType.LAYOUT_ORDER.reversed())
                .thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        byte[] header = header(order, metadata);

        Path target = file.toAbsolutePath();
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                for (Map.Entry<String, Tensor> e : order) {
                    writeData(out, e.getValue());
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The JSON header in data order, metadata first, padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(List<Map.Entry<String, Tensor>> order, Map<String, String> metadata) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            new java.util.TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : order) {
            Tensor t = e.getValue();
            StoredType type = StoredType.forWriting(t.dtype());
            long bytes = (long) t.numel() * type.byteSize();
            ObjectNode info = root.putObject(e.getKey());
            info.put("dtype", type.name());
            Arrays.stream(t.shape()).forEach(info.putArray("shape")::add);
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** The tensor's elements in row-major order, little-endian, in chunks of at most {@link #CHUNK_BYTES}. */
    private static void writeData(FileChannel out, Tensor tensor) throws IOException {
        Tensor dense = tensor.contiguous();
        StoredType type = StoredType.forWriting(dense.dtype());
        int numel = dense.numel();
        int perChunk = CHUNK_BYTES / type.byteSize();
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(perChunk, Math.max(1, numel)) * type.byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < numel; first += perChunk) {
            int end = Math.min(numel, first + perChunk);
            buffer.clear();
            switch (dense.dtype()) {
                case FLOAT32 -> {
                    float[] values = dense.floatData();
                    for (int i = first; i < end; i++) {
                        buffer.putFloat(values[i]);
                    }
                }
                case INT64 -> {
                    long[] values = dense.longData();
                    for (int i = first; i < end; i++) {
                        buffer.putLong(values[i]);
                    }
                }
                case BOOL -> {
                    boolean[] values = dense.booleanData();
                    for (int i = first; i < end; i++) {
                        buffer.put((byte) (values[i] ? 1 : 0));
                    }
                }
            }
            writeFully(out, buffer.flip());
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Writes the model's state dict (parameters and buffers under their dotted names), metadata format=pt. */
    public static void save(Module model, Path file) throws IOException {
        write(file, model.stateDict(), Map.of("format", "pt"));
    }

    /**
     * Loads a file into the model through {@link Module#loadStateDict} (all or nothing; strict fails on
     * missing or unexpected keys). F16/BF16/F64 values arrive as float32, integer types as int64.
     */
    public static Module.LoadReport load(Module model, Path file, boolean strict) throws IOException {
        return model.loadStateDict(read(file).tensors(), strict);
    }
}
