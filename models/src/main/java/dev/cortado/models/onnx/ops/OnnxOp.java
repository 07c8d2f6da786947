package dev.cortado.models.onnx.ops;

import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.OnnxNode;

import java.util.List;

/**
 * One ONNX operator executed with Cortado's differentiable ops: float32 values go through the autograd op
 * families (so gradients reach the graph's parameters), int64 and bool values (shapes, indices, masks) are
 * computed directly as constants.
 */
public interface OnnxOp {
    /**
     * Why this node cannot run (an attribute variant or element type this implementation does not handle),
     * or null when it can. Checked once, when the graph is loaded.
     */
    default String refusal(OnnxNode node, long opset) {
        return null;
    }

    /**
     * The node's outputs in order.
     *
     * @param inputs the node's inputs in order; null for an omitted optional input ("" in the graph)
     */
    List<Variable> apply(OnnxNode node, List<Variable> inputs, long opset);
}
