package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.ops.OnnxOpRegistry;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Tensor;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A tiny graph y = Relu(x·W + b) run as a module: parameters, gradients, a training step, load errors. */
class OnnxModuleTest {
    private static OnnxValueInfo tensor(String name, long... dims) {
        return new OnnxValueInfo(name, OnnxValueInfo.Kind.TENSOR, OnnxDataType.FLOAT,
                java.util.Arrays.stream(dims).mapToObj(d -> new OnnxValueInfo.Dim(d, "")).toList(), true);
    }

    private static OnnxNode node(String op, List<String> inputs, String output) {
        return new OnnxNode(op + "_0", op, "", inputs, List.of(output), Map.of());
    }

    private static OnnxGraph mlp(String activation) {
        Map<String, OnnxTensor> initializers = Map.of(
                "fc/W", new OnnxTensor("fc/W", OnnxDataType.FLOAT, Tensor.randn(1, 4, 3)),
                "fc.b", new OnnxTensor("fc.b", OnnxDataType.FLOAT, Tensor.randn(2, 3)));
        List<OnnxNode> nodes = List.of(node("MatMul", List.of("x", "fc/W"), "h"),
                node("Add", List.of("h", "fc.b"), "z"), node(activation, List.of("z"), "y"));
        return new OnnxGraph("mlp", nodes, List.of(tensor("x", 5, 4)), List.of(tensor("y", 5, 3)), List.of(),
                initializers);
    }

    @Test
    void initializersAreTrainableParameters() {
        OnnxModule module = new OnnxModule(mlp("Relu"), 17, OnnxOpRegistry.standard());
        assertEquals(List.of("fc_W", "fc_b"), module.namedParameters().keySet().stream().sorted().toList());
        Variable w = module.parameter("fc/W");
        Variable b = module.parameter("fc.b");
        Tensor x = Tensor.randn(3, 5, 4);
        Tensor wBefore = w.data().copy();

        Variable loss = ReductionOps.sum(module.run(Map.of("x", Variable.constant(x))).get("y"));
        loss.backward();

        // loss = Σ relu(x·W + b): dL/dz = [z > 0], dW = xᵀ·[z > 0], db = Σ_rows [z > 0] (exact: 0/1 sums).
        Tensor z = Elementwise.add(LinearAlgebra.matmul(x, w.data()), b.data());
        Tensor active = Elementwise.gt(z, Tensor.scalar(0f)).to(dev.cortado.tensor.DType.FLOAT32);
        assertArrayEquals(LinearAlgebra.matmul(x.t(), active).toFloatArray(), w.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(dev.cortado.tensor.Reductions.sum(active, new int[] {0}, false).toFloatArray(),
                b.grad().toFloatArray(), 1e-6f);

        // A manual SGD step changes the weights and lowers the loss.
        float lr = 0.1f;
        for (Variable p : module.parameters()) {
            p.data().copyFrom(Elementwise.sub(p.data(), Elementwise.mul(p.grad(), lr)));
        }
        assertFalse(java.util.Arrays.equals(wBefore.toFloatArray(), w.data().toFloatArray()));
        float after = ReductionOps.sum(module.run(Map.of("x", Variable.constant(x))).get("y")).data().item();
        assertTrue(after < loss.data().item(), after + " < " + loss.data().item());

        module.freeze("fc_W");
        assertEquals(3, module.trainableParameterCount());
    }

    @Test
    void trainedWeightsExportAsSafetensorsAndLoadBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        OnnxModule trained = new OnnxModule(mlp("Relu"), 17, OnnxOpRegistry.standard());
        trained.parameter("fc/W").data().copyFrom(Tensor.randn(9, 4, 3));   // as if trained
        java.nio.file.Path file = dir.resolve("mlp.safetensors");
        dev.cortado.nn.io.Safetensors.save(trained, file);

        OnnxModule fresh = new OnnxModule(mlp("Relu"), 17, OnnxOpRegistry.standard());
        dev.cortado.nn.io.Safetensors.load(fresh, file, true);
        assertArrayEquals(trained.parameter("fc/W").data().toFloatArray(), fresh.parameter("fc/W").data().toFloatArray());
        assertArrayEquals(trained.parameter("fc.b").data().toFloatArray(), fresh.parameter("fc.b").data().toFloatArray());
    }

    @Test
    void unsupportedOpsAreAllListedAtLoad() {
        OnnxGraph graph = mlp("NoSuchOp");
        List<OnnxNode> nodes = new java.util.ArrayList<>(graph.nodes());
        nodes.set(0, node("Einsum2", List.of("x", "fc/W"), "h"));
        OnnxGraph twoBad = new OnnxGraph("bad", nodes, graph.inputs(), graph.outputs(), List.of(),
                graph.initializers());
        UnsupportedOnnxOpException e = assertThrows(UnsupportedOnnxOpException.class,
                () -> new OnnxModule(twoBad, 17, OnnxOpRegistry.standard()));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("Einsum2 node 'Einsum2_0'") && e.getMessage().contains("NoSuchOp"));
    }

    @Test
    void wrongInputShapeAndUnsortedGraphFailClearly() {
        OnnxModule module = new OnnxModule(mlp("Relu"), 17, OnnxOpRegistry.standard());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> module.run(Map.of("x", Variable.constant(Tensor.zeros(5, 7)))));
        assertTrue(shape.getMessage().contains("input 'x' must have shape [5, 4], got [5, 7]"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> module.run(Map.of()));

        OnnxGraph graph = mlp("Relu");
        OnnxGraph reversed = new OnnxGraph("unsorted", graph.nodes().reversed(), graph.inputs(), graph.outputs(),
                List.of(), graph.initializers());
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> new OnnxModule(reversed, 17, OnnxOpRegistry.standard()));
        assertTrue(order.getMessage().contains("topologically"), order.getMessage());
    }

    /** Runs a one-node graph {@code y = op(x, initializers…)} on {@code x}; returns the refusal's message. */
    private static String refusal(String op, Tensor x, Map<String, OnnxAttribute> attributes,
                                  Map<String, Tensor> initializers) {
        Map<String, OnnxTensor> inits = new java.util.LinkedHashMap<>();
        initializers.forEach((name, t) -> inits.put(name, new OnnxTensor(name,
                t.dtype() == dev.cortado.tensor.DType.INT64 ? OnnxDataType.INT64 : OnnxDataType.FLOAT, t)));
        List<String> inputs = new java.util.ArrayList<>(List.of("x"));
        inputs.addAll(initializers.keySet());
        OnnxNode node = new OnnxNode("n", op, "", inputs, List.of("y"), attributes);
        OnnxGraph graph = new OnnxGraph("g", List.of(node), List.of(tensor("x", java.util.Arrays.stream(x.shape())
                .asLongStream().toArray())), List.of(tensor("y")), List.of(), inits);
        OnnxModule module = new OnnxModule(graph, 17, OnnxOpRegistry.standard());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> module.run(Map.of("x", Variable.constant(x))));
        assertTrue(e.getMessage().contains(op + " node 'n'"), e.getMessage());
        return e.getMessage();
    }

    private static Tensor longs(long... values) {
        return Tensor.fromLongs(values, values.length);
    }

    @Test
    void shapeAttributesOutOfRangeAreRefusedNamingTheNode() {
        Tensor x = Tensor.zeros(2, 3);
        assertTrue(refusal("Reshape", x, Map.of(), Map.of("s", longs(1, 1, 0, 6))).contains("copies dim 2"));
        assertTrue(refusal("Unsqueeze", x, Map.of(), Map.of("a", longs(0, 0))).contains("repeated"));
        assertTrue(refusal("Flatten", x, Map.of("axis", new OnnxAttribute.IntValue(-3)), Map.of())
                .contains("axis -3 out of range for rank 2"));
        assertTrue(refusal("Slice", x, Map.of(), new java.util.LinkedHashMap<>(Map.of("st", longs(0, 0))) {{
            put("en", longs(2));
        }}).contains("same length"));
        assertTrue(refusal("Range", Tensor.scalar(0f), Map.of(), new java.util.LinkedHashMap<>(Map.of(
                "l", Tensor.scalar(5f))) {{
            put("d", Tensor.scalar(0f));
        }}).contains("delta 0"));
    }

    @Test
    void convAndPoolAttributesOfTheWrongLengthAreRefusedNamingTheNode() {
        Tensor x = Tensor.zeros(1, 4, 5, 5);
        assertTrue(refusal("AveragePool", x, Map.of("kernel_shape", new OnnxAttribute.Ints(new long[] {2})), Map.of())
                .contains("kernel_shape [2] needs 2 values"));
        assertTrue(refusal("Conv", x, Map.of("pads", new OnnxAttribute.Ints(new long[] {1, 1})),
                Map.of("w", Tensor.ones(4, 4, 3, 3))).contains("pads [1, 1] needs 4 values"));
    }
}
