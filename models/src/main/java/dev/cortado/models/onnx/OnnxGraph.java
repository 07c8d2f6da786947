package dev.cortado.models.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph ({@code GraphProto}): nodes in the file's (topological) order, its typed inputs and outputs,
 * the recorded types of intermediate values, and its initializers (constant tensors by name, read into
 * Cortado tensors). Subgraphs of If/Loop/Scan appear as {@link OnnxAttribute.GraphValue}s of their node.
 *
 * <p>ONNX lists initializers that are also overridable graph inputs among {@code inputs} too; use
 * {@link #runtimeInputs()} for the inputs a caller must feed.
 */
public record OnnxGraph(String name, List<OnnxNode> nodes, List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs,
        List<OnnxValueInfo> valueInfos, Map<String, OnnxTensor> initializers) {

    public OnnxGraph {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        valueInfos = List.copyOf(valueInfos);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
    }

    /** The graph inputs that are not initializers. */
    public List<OnnxValueInfo> runtimeInputs() {
        return inputs.stream().filter(input -> !initializers.containsKey(input.name())).toList();
    }

    /** The initializer called {@code name}; an IllegalArgumentException names the graph when absent. */
    public OnnxTensor initializer(String initializerName) {
        OnnxTensor tensor = initializers.get(initializerName);
        if (tensor == null) {
            throw new IllegalArgumentException("graph '" + name + "' has no initializer '" + initializerName + "'");
        }
        return tensor;
    }
}
