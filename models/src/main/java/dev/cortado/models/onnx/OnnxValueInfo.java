package dev.cortado.models.onnx;

import java.util.List;

/**
 * A typed value of the graph ({@code ValueInfoProto}): a graph input or output, or an intermediate value
 * with a recorded type.
 *
 * @param name        the value name
 * @param kind        tensor, sequence, map, optional, sparse tensor, or UNKNOWN when no type is recorded
 * @param elementType the element type for TENSOR and SPARSE_TENSOR; UNDEFINED otherwise or when not recorded
 * @param shape       the dimensions, when {@code shapeKnown}; empty otherwise (and for scalars)
 * @param shapeKnown  whether the file records a shape (rank and possibly symbolic dims)
 */
public record OnnxValueInfo(String name, Kind kind, OnnxDataType elementType, List<Dim> shape, boolean shapeKnown) {

    public OnnxValueInfo {
        shape = List.copyOf(shape);
    }

    /** What kind of value ({@code TypeProto}'s case). */
    public enum Kind {
        TENSOR, SPARSE_TENSOR, SEQUENCE, MAP, OPTIONAL, UNKNOWN
    }

    /**
     * One dimension: a fixed size ({@code value ≥ 0}), a symbolic name such as "batch" ({@code param}), or
     * neither (value -1, param "").
     */
    public record Dim(long value, String param) {
        public boolean isFixed() {
            return value >= 0;
        }

        @Override
        public String toString() {
            return isFixed() ? Long.toString(value) : param.isEmpty() ? "?" : param;
        }
    }
}
