package dev.cortado.models.onnx;

import java.util.List;

/**
 * The value of one node attribute ({@code AttributeProto}), by its declared type. Sparse tensors and type
 * protos are kept only as {@link Unsupported} with their type name, so that an executor can name them.
 */
public sealed interface OnnxAttribute {
    /** FLOAT. */
    record FloatValue(float value) implements OnnxAttribute {
    }

    /** INT (int64 in ONNX). */
    record IntValue(long value) implements OnnxAttribute {
    }

    /** STRING, decoded as UTF-8. */
    record StringValue(String value) implements OnnxAttribute {
    }

    /** TENSOR, e.g. the {@code value} of a Constant node. */
    record TensorValue(OnnxTensor value) implements OnnxAttribute {
    }

    /** GRAPH, the body of If, Loop or Scan. */
    record GraphValue(OnnxGraph value) implements OnnxAttribute {
    }

    /** FLOATS. */
    record Floats(float[] values) implements OnnxAttribute {
    }

    /** INTS. */
    record Ints(long[] values) implements OnnxAttribute {
    }

    /** STRINGS, each decoded as UTF-8. */
    record Strings(List<String> values) implements OnnxAttribute {
    }

    /** TENSORS. */
    record Tensors(List<OnnxTensor> values) implements OnnxAttribute {
    }

    /** GRAPHS. */
    record Graphs(List<OnnxGraph> values) implements OnnxAttribute {
    }

    /** SPARSE_TENSOR(S) or TYPE_PROTO(S): present in the file, not read. */
    record Unsupported(String type) implements OnnxAttribute {
    }
}
