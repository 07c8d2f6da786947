package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads the models tools/reference/gen_onnx.py wrote with the onnx Python package. */
class OnnxModelTest {
    static Path resource(String name) {
        try {
            return Path.of(OnnxModelTest.class.getResource("/onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void initializersOfEveryTypeFromRawDataAndTypedFieldsMatchTheValuesWritten() {
        OnnxModel model = OnnxModel.load(resource("dtypes.onnx"));
        int checked = 0;
        for (Fixtures.Case c : Fixtures.load("onnx.json")) {
            if (!c.op().equals("initializer")) {
                continue;
            }
            OnnxTensor tensor = model.graph().initializer(c.name());
            assertEquals(c.args().get("dtype").asText(), tensor.dataType().name(), c.name());
            assertEquals(c.name(), tensor.name());
            // Exact: every value is representable in its type, and DOUBLE's expectation is its float32 rounding.
            TensorAssert.assertSame(c.output("values"), tensor.values(), c.name());
            checked++;
        }
        assertEquals(30, checked, "15 kinds of initializer, raw and typed");
    }

    @Test
    void graphStructureNodesAttributesAndValueInfos() {
        OnnxModel model = OnnxModel.load(resource("dtypes.onnx"));
        assertEquals(13, model.opsetVersion(""));
        assertEquals(13, model.opsetVersion("ai.onnx"));
        assertEquals(1, model.opsetVersion("cortado.test"));
        assertEquals(-1, model.opsetVersion("com.microsoft"));
        assertEquals("gen_onnx.py", model.producerName());
        assertTrue(model.irVersion() >= 7);

        OnnxGraph graph = model.graph();
        assertEquals("dtypes", graph.name());
        assertEquals(List.of("MatMul", "Add", "Relu", "Constant", "AllAttributes", "If"),
                graph.nodes().stream().map(OnnxNode::opType).toList());
        OnnxNode matmul = graph.nodes().get(0);
        assertEquals("fc/MatMul", matmul.name());
        assertEquals(List.of("x", "fc.weight"), matmul.inputs());
        assertEquals(List.of("h"), matmul.outputs());
        assertEquals("", matmul.domain());
        TensorAssert.assertSame(Tensor.fromArray(new float[] {0, 1, 2, 3, 4, 5}, 3, 2),
                graph.initializer("fc.weight").values(), "fc.weight");

        OnnxNode constant = graph.nodes().get(3);
        TensorAssert.assertSame(Tensor.fromLongs(new long[] {1, 2, 3}, 3), constant.tensorAttribute("value").values(),
                "Constant value");

        OnnxNode attrs = graph.nodes().get(4);
        assertEquals("cortado.test", attrs.domain());
        assertEquals(List.of("y", ""), attrs.inputs(), "an omitted optional input stays an empty name");
        assertEquals(0.25f, attrs.floatAttribute("f", 0));
        assertEquals(-7, attrs.intAttribute("i", 0));
        assertEquals("hello", attrs.stringAttribute("s", ""));
        assertArrayEquals(new float[] {1f, 2.5f}, attrs.floatsAttribute("floats", null));
        assertArrayEquals(new long[] {3, -4, 5}, attrs.intsAttribute("ints", null));
        assertEquals(new OnnxAttribute.Strings(List.of("a", "bc")), attrs.attributes().get("strings"));
        assertEquals(4f, attrs.tensorAttribute("t").values().item());
        assertEquals(42, attrs.intAttribute("absent", 42));
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> attrs.intAttribute("f", 0));
        assertTrue(wrongType.getMessage().contains("AllAttributes node 'attrs'"), wrongType.getMessage());

        OnnxGraph thenBranch = graph.nodes().get(5).graphAttribute("then_branch");
        assertEquals("then", thenBranch.name());
        assertEquals(1f, thenBranch.nodes().get(0).floatAttribute("value_float", 0));

        OnnxValueInfo x = graph.inputs().get(0);
        assertEquals("x", x.name());
        assertEquals(OnnxValueInfo.Kind.TENSOR, x.kind());
        assertEquals(OnnxDataType.FLOAT, x.elementType());
        assertTrue(x.shapeKnown());
        assertEquals(List.of(new OnnxValueInfo.Dim(-1, "batch"), new OnnxValueInfo.Dim(3, "")), x.shape());
        assertFalse(x.shape().get(0).isFixed());
        OnnxValueInfo cond = graph.inputs().get(1);
        assertEquals(OnnxDataType.BOOL, cond.elementType());
        assertTrue(cond.shapeKnown());
        assertEquals(List.of(), cond.shape(), "a scalar: known rank 0");
        assertEquals(List.of("x", "cond"), graph.runtimeInputs().stream().map(OnnxValueInfo::name).toList());
        assertEquals(List.of("y", "branch"), graph.outputs().stream().map(OnnxValueInfo::name).toList());
        assertEquals("h", graph.valueInfos().get(0).name());
        assertEquals(32, model.initializers().size());
    }

    @Test
    void externalDataIsReadFromOffsetsInAFileBesideTheModel() {
        OnnxModel model = OnnxModel.load(resource("external.onnx"));
        Map<String, OnnxTensor> initializers = model.initializers();
        for (Fixtures.Case c : Fixtures.load("onnx.json")) {
            if (c.op().equals("external")) {
                String name = c.name().substring("external_".length());
                TensorAssert.assertSame(c.output("values"), initializers.get(name).values(), c.name());
            }
        }
        assertEquals(2, initializers.size());
    }

    @Test
    void externalLocationLeavingTheModelDirectoryIsRefused() {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.load(resource("escape.onnx")));
        assertTrue(e.getMessage().contains("escape.onnx") && e.getMessage().contains("leaves the model's directory"),
                e.getMessage());
        assertEquals(resource("escape.onnx"), e.file());
    }

    @Test
    void quantizedInitializersKeepTheirRawValuesAndDequantizePerChannelAndPerTensor() {
        OnnxModel model = OnnxModel.load(resource("quantized.onnx"));
        OnnxTensor raw = model.graph().initializer("w_q");
        assertEquals(OnnxDataType.INT8, raw.dataType());
        assertArrayEquals(new long[] {-128, -1, 0, 127}, raw.values().select(0, 0).toLongArray());
        assertEquals(255, model.graph().initializer("u_q").values().getLong(0, 2), "UINT8 zero-extended");

        Map<String, OnnxTensor> weights = Dequantization.constantWeights(model.graph());
        assertEquals(List.of("w", "u"), List.copyOf(weights.keySet()));
        int checked = 0;
        for (Fixtures.Case c : Fixtures.load("onnx.json")) {
            if (c.op().equals("dequantize")) {
                String name = c.name().substring("dequantized_".length());
                // Exact: (x - zero point) is a small integer and one float32 product rounds like numpy's.
                TensorAssert.assertSame(c.output("values"), weights.get(name).values(), c.name());
                assertEquals(OnnxDataType.FLOAT, weights.get(name).dataType());
                checked++;
            }
        }
        assertEquals(2, checked);
    }
}
