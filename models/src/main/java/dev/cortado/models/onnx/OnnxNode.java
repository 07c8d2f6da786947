package dev.cortado.models.onnx;

import java.util.List;
import java.util.Map;

/**
 * One graph node ({@code NodeProto}): {@code outputs = opType(inputs; attributes)}.
 *
 * <p>An empty string among {@code inputs} marks an omitted optional input, as in ONNX. Attribute getters
 * take a default for attributes the operator declares optional and fail with an
 * {@link IllegalArgumentException} naming the node when the attribute has another type.
 *
 * @param name       the node name ("" when unnamed)
 * @param opType     the operator, e.g. "MatMul"
 * @param domain     the operator set domain; "" for the default ONNX domain
 * @param inputs     input value names in order
 * @param outputs    output value names in order
 * @param attributes attributes by name, in file order
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
        Map<String, OnnxAttribute> attributes) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    public boolean hasAttribute(String attribute) {
        return attributes.containsKey(attribute);
    }

    public long intAttribute(String attribute, long fallback) {
        return attributes.containsKey(attribute) ? get(attribute, OnnxAttribute.IntValue.class).value() : fallback;
    }

    public float floatAttribute(String attribute, float fallback) {
        return attributes.containsKey(attribute) ? get(attribute, OnnxAttribute.FloatValue.class).value() : fallback;
    }

    public String stringAttribute(String attribute, String fallback) {
        return attributes.containsKey(attribute) ? get(attribute, OnnxAttribute.StringValue.class).value() : fallback;
    }

    /** An INTS attribute (a copy), or {@code fallback} when absent. */
    public long[] intsAttribute(String attribute, long[] fallback) {
        return attributes.containsKey(attribute) ? get(attribute, OnnxAttribute.Ints.class).values().clone() : fallback;
    }

    /** A FLOATS attribute (a copy), or {@code fallback} when absent. */
    public float[] floatsAttribute(String attribute, float[] fallback) {
        return attributes.containsKey(attribute) ? get(attribute, OnnxAttribute.Floats.class).values().clone()
                : fallback;
    }

    /** A required TENSOR attribute. */
    public OnnxTensor tensorAttribute(String attribute) {
        return get(attribute, OnnxAttribute.TensorValue.class).value();
    }

    /** A required GRAPH attribute. */
    public OnnxGraph graphAttribute(String attribute) {
        return get(attribute, OnnxAttribute.GraphValue.class).value();
    }

    private <T extends OnnxAttribute> T get(String attribute, Class<T> type) {
        OnnxAttribute value = attributes.get(attribute);
        if (value == null) {
            throw new IllegalArgumentException(describe() + ": missing attribute '" + attribute + "'");
        }
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(describe() + ": attribute '" + attribute + "' is "
                    + value.getClass().getSimpleName() + ", expected " + type.getSimpleName());
        }
        return type.cast(value);
    }

    /** "opType node 'name'", for messages. */
    public String describe() {
        return (domain.isEmpty() ? "" : domain + ".") + opType + " node '" + name + "'";
    }
}
