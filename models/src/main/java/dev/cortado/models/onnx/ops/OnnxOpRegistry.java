package dev.cortado.models.onnx.ops;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operator type → implementation for the default ONNX domain, each valid from a first opset version on
 * (earlier versions differ in attributes or semantics and are refused). docs/onnx-ops.md lists them.
 */
public final class OnnxOpRegistry {
    /** An implementation and the first opset version it follows. */
    public record Entry(String opType, long sinceOpset, OnnxOp op) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    private OnnxOpRegistry() {
    }

    /** Every operator Cortado executes. */
    public static OnnxOpRegistry standard() {
        OnnxOpRegistry registry = new OnnxOpRegistry();
        ElementwiseOnnxOps.register(registry);
        LogicOnnxOps.register(registry);
        ShapeOnnxOps.register(registry);
        IndexOnnxOps.register(registry);
        ReduceOnnxOps.register(registry);
        NnOnnxOps.register(registry);
        return registry;
    }

    void add(String opType, long sinceOpset, OnnxOp op) {
        if (entries.putIfAbsent(opType, new Entry(opType, sinceOpset, op)) != null) {
            throw new IllegalStateException("ONNX op " + opType + " registered twice");
        }
    }

    /** The implementation of {@code opType} in the default domain, or null. */
    public Entry get(String domain, String opType) {
        return domain.isEmpty() || domain.equals("ai.onnx") ? entries.get(opType) : null;
    }

    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
