package dev.cortado.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.onnx.ops.OnnxOpRegistry;
import dev.cortado.nn.LoRAAdapter;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * LoRA on a tiny graph y = Gemm(MatMul(x, W1), W2, C; transB=1, alpha=0.5): W1 {@code [in, out]}, W2
 * {@code [out, in]}. Checks the exact start, the forward against the formula, training only the adapters,
 * and merge/unmerge.
 */
class OnnxLoRATest {
    private static final float ALPHA = 16f;
    private static final int RANK = 2;

    private static OnnxValueInfo tensor(String name, long... dims) {
        return new OnnxValueInfo(name, OnnxValueInfo.Kind.TENSOR, OnnxDataType.FLOAT,
                Arrays.stream(dims).mapToObj(d -> new OnnxValueInfo.Dim(d, "")).toList(), true);
    }

    private static OnnxTensor init(String name, Tensor values) {
        return new OnnxTensor(name, OnnxDataType.FLOAT, values);
    }

    private static OnnxModule module() {
        Map<String, OnnxTensor> initializers = Map.of("fc/W", init("fc/W", Tensor.randn(1, 4, 3)),
                "out.W", init("out.W", Tensor.randn(2, 2, 3)), "out.C", init("out.C", Tensor.randn(3, 2)));
        List<OnnxNode> nodes = List.of(
                new OnnxNode("/fc/MatMul", "MatMul", "", List.of("x", "fc/W"), List.of("h"), Map.of()),
                new OnnxNode("/out/Gemm", "Gemm", "", List.of("h", "out.W", "out.C"), List.of("y"),
                        Map.of("transB", new OnnxAttribute.IntValue(1), "alpha", new OnnxAttribute.FloatValue(0.5f))));
        OnnxGraph graph = new OnnxGraph("lora", nodes, List.of(tensor("x", 5, 4)), List.of(tensor("y", 5, 2)),
                List.of(), initializers);
        return new OnnxModule(graph, 17, OnnxOpRegistry.standard());
    }

    private static Tensor run(OnnxModule m, Tensor x) {
        return m.run(Map.of("x", Variable.constant(x))).get("y").data();
    }

    /** x·Aᵀ·Bᵀ·α/r. */
    private static Tensor branch(Tensor x, LoRAAdapter a) {
        return Elementwise.mul(LinearAlgebra.matmul(LinearAlgebra.matmul(x, a.loraA().data().t()),
                a.loraB().data().t()), ALPHA / RANK);
    }

    @Test
    void adaptersStartAsIdentityTrainAloneAndMergeExactly() {
        OnnxModule m = module();
        Tensor x = Tensor.randn(7, 5, 4);
        float[] before = run(m, x).toFloatArray();
        Map<String, float[]> frozen = new HashMap<>();
        m.parametersByOnnxName().forEach((name, p) -> frozen.put(name, p.data().toFloatArray()));

        assertEquals(List.of("fc/W", "out.W"), OnnxLoRA.apply(m, List.of("/fc/*", "out.W"), RANK, ALPHA, 0f, 11));
        assertEquals(List.of("fc_W_lora_A", "fc_W_lora_B", "out_W_lora_A", "out_W_lora_B"), m.namedParameters()
                .entrySet().stream().filter(e -> e.getValue().requiresGrad()).map(Map.Entry::getKey).toList());
        assertArrayEquals(new int[] {RANK, 4}, m.adapters().get("fc/W").loraA().shape());
        assertArrayEquals(new int[] {2, RANK}, m.adapters().get("out.W").loraB().shape());
        assertArrayEquals(before, run(m, x).toFloatArray(), 0f);   // B = 0: exactly the plain graph

        // A manual SGD step moves only the adapters (B first: dL/dA = 0 while B = 0) and changes the output.
        ReductionOps.sum(m.run(Map.of("x", Variable.constant(x))).get("y")).backward();
        for (Variable p : m.parameters()) {
            if (p.requiresGrad()) {
                p.data().copyFrom(Elementwise.sub(p.data(), Elementwise.mul(p.grad(), 0.1f)));
            }
        }
        m.parametersByOnnxName().forEach((name, p) -> assertArrayEquals(frozen.get(name), p.data().toFloatArray()));
        assertFalse(Arrays.equals(new float[2 * RANK], m.adapters().get("out.W").loraB().data().toFloatArray()));
        float[] trained = run(m, x).toFloatArray();
        assertFalse(Arrays.equals(before, trained));

        // The forward is the formula: h = x·W1 + x·A1ᵀ·B1ᵀ·α/r, y = 0.5·h·W2ᵀ + C + (0.5·h)·A2ᵀ·B2ᵀ·α/r.
        Tensor h = Elementwise.add(LinearAlgebra.matmul(x, m.parameter("fc/W").data()), branch(x, m.adapters().get("fc/W")));
        Tensor y = Elementwise.add(Elementwise.add(Elementwise.mul(LinearAlgebra.matmul(h, m.parameter("out.W").data().t()),
                0.5f), m.parameter("out.C").data()), branch(Elementwise.mul(h, 0.5f), m.adapters().get("out.W")));
        assertClose(y.toFloatArray(), trained, 1e-5f);

        // Merge folds ΔW into both layouts (relative 1e-5); unmerge restores W and the output bit for bit.
        OnnxLoRA.merge(m);
        assertNotEquals(Arrays.toString(frozen.get("out.W")), Arrays.toString(m.parameter("out.W").data().toFloatArray()));
        assertClose(trained, run(m, x).toFloatArray(), 1e-5f);
        OnnxLoRA.unmerge(m);
        m.parametersByOnnxName().forEach((name, p) -> assertArrayEquals(frozen.get(name), p.data().toFloatArray(), 0f));
        assertArrayEquals(trained, run(m, x).toFloatArray(), 0f);
    }

    @Test
    void globsMatchingNothingOrSharedWeightsFail() {
        OnnxModule m = module();
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> OnnxLoRA.apply(m, List.of("**.query"), RANK, ALPHA, 0f, 1));
        assertTrue(none.getMessage().contains("no MatMul/Gemm node"), none.getMessage());
        assertTrue(m.parameters().stream().allMatch(Variable::requiresGrad), "nothing frozen after a failure");

        OnnxGraph g = m.graph();
        List<OnnxNode> nodes = List.of(g.nodes().get(0),
                new OnnxNode("/out/Gemm", "Gemm", "", List.of("h", "fc/W"), List.of("y"),
                        Map.of("transB", new OnnxAttribute.IntValue(1))));
        OnnxModule shared = new OnnxModule(new OnnxGraph("shared", nodes, g.inputs(), List.of(tensor("y", 5, 4)),
                List.of(), g.initializers()), 17, OnnxOpRegistry.standard());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> OnnxLoRA.apply(shared, List.of("/fc/*"), RANK, ALPHA, 0f, 1));
        assertTrue(twice.getMessage().contains("'fc/W' is also input 1 of Gemm"), twice.getMessage());
    }

    private static void assertClose(float[] expected, float[] actual, float rel) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], rel * Math.max(1f, Math.abs(expected[i])), "element " + i);
        }
    }
}
