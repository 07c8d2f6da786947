package dev.cortado.models.onnx;

import java.util.List;

/**
 * A graph that {@link OnnxModule} cannot run: one entry per node whose operator (or attribute variant, or
 * opset version) is not supported, and per graph input/output of an unsupported type.
 */
public final class UnsupportedOnnxOpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public UnsupportedOnnxOpException(String graphName, List<String> problems) {
        super("ONNX graph '" + graphName + "' uses what Cortado does not support:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per unsupported node or value. */
    public List<String> problems() {
        return problems;
    }
}
