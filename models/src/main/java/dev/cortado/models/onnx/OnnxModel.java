package dev.cortado.models.onnx;

import com.google.protobuf.CodedInputStream;
import dev.cortado.models.onnx.proto.Onnx.ModelProto;
import dev.cortado.models.onnx.proto.Onnx.OperatorSetIdProto;
import dev.cortado.models.onnx.proto.Onnx.StringStringEntryProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX model file read into Cortado: its main {@link OnnxGraph} (nodes, typed inputs and outputs,
 * initializers as Cortado tensors), its operator set imports and metadata. Only the representation: running
 * the graph is an executor's job.
 *
 * <pre>{@code
 * OnnxModel model = OnnxModel.load(Path.of("model.onnx"));
 * long opset = model.opsetVersion("");                      // default ONNX domain
 * Tensor w = model.graph().initializer("fc.weight").values();
 * }</pre>
 *
 * <p>A file that is truncated, corrupt, not ONNX, claims more data than it holds, or points at external
 * data outside its directory fails with an {@link OnnxFormatException} naming the file and the problem.
 */
public final class OnnxModel {
    /** Protobuf messages cannot exceed 2 GiB; larger models keep their weights in external data files. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE;
    /** Nesting depth allowed while parsing (subgraphs within subgraphs, type protos within type protos). */
    static final int RECURSION_LIMIT = 100;

    private final Path file;
    private final long irVersion;
    private final String producerName;
    private final String producerVersion;
    private final Map<String, Long> opsetImports;
    private final Map<String, String> metadata;
    private final OnnxGraph graph;

    private OnnxModel(Path file, ModelProto proto) {
        this.file = file;
        this.irVersion = proto.getIrVersion();
        this.producerName = proto.getProducerName();
        this.producerVersion = proto.getProducerVersion();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto opset : proto.getOpsetImportList()) {
            opsets.put(canonicalDomain(opset.getDomain()), opset.getVersion());
        }
        this.opsetImports = Collections.unmodifiableMap(opsets);
        Map<String, String> properties = new LinkedHashMap<>();
        for (StringStringEntryProto entry : proto.getMetadataPropsList()) {
            properties.put(entry.getKey(), entry.getValue());
        }
        this.metadata = Collections.unmodifiableMap(properties);
        this.graph = new GraphReader(file).graph(proto.getGraph());
    }

    /**
     * Reads an ONNX model; external tensor data is resolved relative to the file's directory.
     *
     * @throws OnnxFormatException when the file is missing, unreadable or not a valid ONNX model
     */
    public static OnnxModel load(Path file) {
        byte[] bytes = readFile(file);
        ModelProto proto;
        try {
            CodedInputStream input = CodedInputStream.newInstance(bytes);
            // raw_data then shares the file's byte array instead of being copied out of it.
            input.enableAliasing(true);
            input.setRecursionLimit(RECURSION_LIMIT);
            proto = ModelProto.parseFrom(input);
        } catch (IOException e) {
            // InvalidProtocolBufferException: truncated input, bad tags or lengths, nesting too deep.
            throw new OnnxFormatException(file, "not a valid ONNX model: truncated or corrupt protobuf ("
                    + e.getMessage() + ")", e);
        }
        // Protobuf reads almost any bytes as *some* message of unknown fields; a model names its IR version
        // and has a graph.
        if (!proto.hasIrVersion() || proto.getIrVersion() <= 0 || !proto.hasGraph()) {
            throw new OnnxFormatException(file, "not an ONNX model (no ir_version or no graph)");
        }
        if (proto.getIrVersion() >= 3 && proto.getOpsetImportCount() == 0) {
            throw new OnnxFormatException(file, "has IR version " + proto.getIrVersion()
                    + " but no opset_import (truncated?)");
        }
        return new OnnxModel(file, proto);
    }

    /** Reads a whole file, refusing files beyond protobuf's 2 GiB limit before allocating. */
    static byte[] readFile(Path file) {
        try {
            // A FIFO or device would block the read or never end.
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new OnnxFormatException(file, "is not a regular file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new OnnxFormatException(file, "is " + size + " bytes; protobuf files are limited to 2 GiB "
                        + "(larger models keep their weights in external data)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OnnxFormatException(file, "no such file", e);
        } catch (IOException e) {
            throw new OnnxFormatException(file, "cannot be read (" + e + ")", e);
        }
    }

    /** ONNX spells the default operator set both "" and "ai.onnx". */
    private static String canonicalDomain(String domain) {
        return domain.equals("ai.onnx") ? "" : domain;
    }

    public Path file() {
        return file;
    }

    public long irVersion() {
        return irVersion;
    }

    public String producerName() {
        return producerName;
    }

    public String producerVersion() {
        return producerVersion;
    }

    /** Operator set versions by domain; the default ONNX domain is "". */
    public Map<String, Long> opsetImports() {
        return opsetImports;
    }

    /** The imported version of {@code domain}'s operator set ("" or "ai.onnx" for ONNX's own), or -1. */
    public long opsetVersion(String domain) {
        return opsetImports.getOrDefault(canonicalDomain(domain), -1L);
    }

    /** The model's {@code metadata_props}. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public OnnxGraph graph() {
        return graph;
    }

    /** The main graph's initializers by name (the same map as {@code graph().initializers()}). */
    public Map<String, OnnxTensor> initializers() {
        return graph.initializers();
    }

    @Override
    public String toString() {
        return "OnnxModel[" + file + ", ir " + irVersion + ", opsets " + opsetImports + ", "
                + graph.nodes().size() + " nodes, " + graph.initializers().size() + " initializers]";
    }
}
