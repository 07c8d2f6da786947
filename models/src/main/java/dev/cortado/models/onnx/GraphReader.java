package dev.cortado.models.onnx;

import dev.cortado.models.onnx.proto.Onnx.AttributeProto;
import dev.cortado.models.onnx.proto.Onnx.GraphProto;
import dev.cortado.models.onnx.proto.Onnx.NodeProto;
import dev.cortado.models.onnx.proto.Onnx.TensorProto;
import dev.cortado.models.onnx.proto.Onnx.TensorShapeProto;
import dev.cortado.models.onnx.proto.Onnx.TypeProto;
import dev.cortado.models.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns parsed protos into the {@link OnnxGraph} records; {@code file} names the model in every error. */
final class GraphReader {
    private final Path file;

    GraphReader(Path file) {
        this.file = file;
    }

    OnnxGraph graph(GraphProto proto) {
        String where = "graph '" + proto.getName() + "'";
        if (proto.getSparseInitializerCount() > 0) {
            throw new OnnxFormatException(file, where + " has sparse initializers, which are not supported");
        }
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        for (TensorProto tensor : proto.getInitializerList()) {
            if (initializers.put(tensor.getName(), OnnxTensors.decode(tensor, file)) != null) {
                throw new OnnxFormatException(file, where + " has two initializers named '" + tensor.getName() + "'");
            }
        }
        List<OnnxNode> nodes = new ArrayList<>(proto.getNodeCount());
        for (NodeProto node : proto.getNodeList()) {
            nodes.add(node(node));
        }
        return new OnnxGraph(proto.getName(), nodes, valueInfos(proto.getInputList()),
                valueInfos(proto.getOutputList()), valueInfos(proto.getValueInfoList()), initializers);
    }

    private OnnxNode node(NodeProto proto) {
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        for (AttributeProto attribute : proto.getAttributeList()) {
            if (attributes.put(attribute.getName(), attribute(attribute, proto)) != null) {
                throw new OnnxFormatException(file, proto.getOpType() + " node '" + proto.getName()
                        + "' has two attributes named '" + attribute.getName() + "'");
            }
        }
        return new OnnxNode(proto.getName(), proto.getOpType(), proto.getDomain(), proto.getInputList(),
                proto.getOutputList(), attributes);
    }

    private OnnxAttribute attribute(AttributeProto proto, NodeProto node) {
        if (!proto.hasType() || proto.getType() == AttributeProto.AttributeType.UNDEFINED) {
            throw new OnnxFormatException(file, "attribute '" + proto.getName() + "' of " + node.getOpType()
                    + " node '" + node.getName() + "' has no type");
        }
        return switch (proto.getType()) {
            case FLOAT -> new OnnxAttribute.FloatValue(proto.getF());
            case INT -> new OnnxAttribute.IntValue(proto.getI());
            case STRING -> new OnnxAttribute.StringValue(proto.getS().toStringUtf8());
            case TENSOR -> new OnnxAttribute.TensorValue(OnnxTensors.decode(proto.getT(), file));
            case GRAPH -> new OnnxAttribute.GraphValue(graph(proto.getG()));
            case FLOATS -> {
                float[] values = new float[proto.getFloatsCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = proto.getFloats(i);
                }
                yield new OnnxAttribute.Floats(values);
            }
            case INTS -> {
                long[] values = new long[proto.getIntsCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = proto.getInts(i);
                }
                yield new OnnxAttribute.Ints(values);
            }
            case STRINGS -> new OnnxAttribute.Strings(
                    proto.getStringsList().stream().map(com.google.protobuf.ByteString::toStringUtf8).toList());
            case TENSORS -> new OnnxAttribute.Tensors(
                    proto.getTensorsList().stream().map(tensor -> OnnxTensors.decode(tensor, file)).toList());
            case GRAPHS -> new OnnxAttribute.Graphs(proto.getGraphsList().stream().map(this::graph).toList());
            case SPARSE_TENSOR, SPARSE_TENSORS, TYPE_PROTO, TYPE_PROTOS, UNDEFINED ->
                    new OnnxAttribute.Unsupported(proto.getType().name());
        };
    }

    private static List<OnnxValueInfo> valueInfos(List<ValueInfoProto> protos) {
        List<OnnxValueInfo> infos = new ArrayList<>(protos.size());
        for (ValueInfoProto proto : protos) {
            infos.add(valueInfo(proto));
        }
        return infos;
    }

    private static OnnxValueInfo valueInfo(ValueInfoProto proto) {
        TypeProto type = proto.getType();
        return switch (type.getValueCase()) {
            case TENSOR_TYPE -> tensorInfo(proto.getName(), OnnxValueInfo.Kind.TENSOR,
                    type.getTensorType().getElemType(), type.getTensorType().hasShape(),
                    type.getTensorType().getShape());
            case SPARSE_TENSOR_TYPE -> tensorInfo(proto.getName(), OnnxValueInfo.Kind.SPARSE_TENSOR,
                    type.getSparseTensorType().getElemType(), type.getSparseTensorType().hasShape(),
                    type.getSparseTensorType().getShape());
            case SEQUENCE_TYPE -> untyped(proto.getName(), OnnxValueInfo.Kind.SEQUENCE);
            case MAP_TYPE -> untyped(proto.getName(), OnnxValueInfo.Kind.MAP);
            case OPTIONAL_TYPE -> untyped(proto.getName(), OnnxValueInfo.Kind.OPTIONAL);
            case VALUE_NOT_SET -> untyped(proto.getName(), OnnxValueInfo.Kind.UNKNOWN);
        };
    }

    private static OnnxValueInfo tensorInfo(String name, OnnxValueInfo.Kind kind, int elemType, boolean hasShape,
            TensorShapeProto shape) {
        OnnxDataType elementType = OnnxDataType.fromCode(elemType);
        List<OnnxValueInfo.Dim> dims = new ArrayList<>(shape.getDimCount());
        for (TensorShapeProto.Dimension dim : shape.getDimList()) {
            long value = dim.hasDimValue() && dim.getDimValue() >= 0 ? dim.getDimValue() : -1;
            dims.add(new OnnxValueInfo.Dim(value, dim.hasDimParam() ? dim.getDimParam() : ""));
        }
        return new OnnxValueInfo(name, kind, elementType == null ? OnnxDataType.UNDEFINED : elementType, dims,
                hasShape);
    }

    private static OnnxValueInfo untyped(String name, OnnxValueInfo.Kind kind) {
        return new OnnxValueInfo(name, kind, OnnxDataType.UNDEFINED, List.of(), false);
    }
}
