package dev.cortado.nn;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Module against PyTorch (tools/reference/gen_module.py, the model of {@link ReferenceNet}): state-dict
 * keys, printout, counts, and outputs and gradients with PyTorch's weights (forward within 1e-5 relative,
 * gradients within 1e-4); then loading, freezing, modes and error paths.
 */
class ModuleTest {
    private static final Fixtures.Case NET = Fixtures.load("module.json").get(0);

    private static Map<String, Tensor> pytorchStateDict() {
        Map<String, Tensor> values = new LinkedHashMap<>();
        NET.inputs().fieldNames().forEachRemaining(key -> {
            if (key.startsWith("sd.")) {
                values.put(key.substring(3), NET.input(key));
            }
        });
        return values;
    }

    /** Dense copies of every state-dict value, to see later that nothing changed. */
    private static Map<String, Tensor> snapshot(Module module) {
        Map<String, Tensor> copies = new LinkedHashMap<>();
        module.stateDict().forEach((k, v) -> copies.put(k, v.copy()));
        return copies;
    }

    private static void assertUnchanged(Map<String, Tensor> before, Module module) {
        module.stateDict().forEach((k, v) -> {
            if (v.dtype() == DType.FLOAT32) {
                assertClose(before.get(k), v, 0, 0, k);
            } else {
                assertEquals(before.get(k).toLongArray()[0], v.toLongArray()[0], k);
            }
        });
    }

    @Test
    void keysShapesPrintoutAndCountMatchPyTorch() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        List<String> keys = new ArrayList<>();
        NET.args().get("keys").forEach(k -> keys.add(k.asText()));
        assertEquals(keys, new ArrayList<>(net.stateDict().keySet()));
        int i = 0;
        for (Tensor value : net.stateDict().values()) {
            int[] expected = new int[NET.args().get("shapes").get(i).size()];
            for (int d = 0; d < expected.length; d++) {
                expected[d] = NET.args().get("shapes").get(i).get(d).asInt();
            }
            assertArrayEquals(expected, value.shape(), keys.get(i));
            i++;
        }
        assertEquals(NET.args().get("repr").asText(), net.toString());
        assertEquals(NET.intArg("parameters"), net.parameterCount());
        assertEquals(net.parameterCount(), net.trainableParameterCount());
        assertEquals(2, net.namedBuffers().size());
    }

    @Test
    void pytorchWeightsGiveTheSameOutputAndGradients() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        Module.LoadReport report = net.loadStateDict(pytorchStateDict(), true);
        assertTrue(report.clean(), report.toString());
        assertEquals(7, net.stateDict().get("encoder.stats.num_batches_tracked").toLongArray()[0]);
        net.eval();
        Variable y = net.forward(Variable.constant(NET.input("x")));
        assertClose(NET.output("y"), y.data(), 1e-6, 1e-5, "net output");
        y.backward(NET.input("r"));
        net.namedParameters().forEach((name, p) -> {
            assertNotNull(p.grad(), name);
            assertClose(NET.output("grad." + name), p.grad(), 1e-6, 1e-4, "d/d " + name);
        });
    }

    @Test
    void strictLoadReportsEveryProblemAtOnceAndChangesNothing() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        Map<String, Tensor> before = snapshot(net);
        Map<String, Tensor> values = pytorchStateDict();
        values.remove("head.weight");
        values.put("head.bias", Tensor.zeros(6));
        values.put("encoder.layers.1.fc1.weight", Tensor.zeros(16, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(values, true));
        assertEquals("Net: loadStateDict changed nothing: missing [head.weight], unexpected [head.bias], shape "
                + "mismatches [encoder.layers.1.fc1.weight: model [16, 8] vs given [16, 7]]", e.getMessage());
        assertUnchanged(before, net);
    }

    @Test
    void shapeMismatchFailsEvenWhenNotStrict() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        Map<String, Tensor> before = snapshot(net);
        Map<String, Tensor> values = pytorchStateDict();
        values.put("norm.bias", Tensor.zeros(6));
        assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(values, false));
        assertUnchanged(before, net);
    }

    @Test
    void nonStrictLoadSkipsMissingAndUnexpectedKeys() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        Tensor headBefore = net.head.weight().data().copy();
        Map<String, Tensor> values = pytorchStateDict();
        values.remove("head.weight");
        values.put("extra.thing", Tensor.ones(2));
        Module.LoadReport report = net.loadStateDict(values, false);
        assertEquals(List.of("head.weight"), report.missing());
        assertEquals(List.of("extra.thing"), report.unexpected());
        assertTrue(report.shapeMismatches().isEmpty());
        assertClose(headBefore, net.head.weight().data(), 0, 0, "head.weight kept");
        assertClose(NET.input("sd.embed.0.weight"), net.embed.get(0).stateDict().get("weight"), 0, 0, "loaded");
    }

    @Test
    void loadConvertsDtypes() {
        ReferenceNet.Stats stats = new ReferenceNet.Stats(2);
        stats.loadStateDict(Map.of("running_mean", Tensor.fromLongs(new long[] {3, 4}, 2),
                "num_batches_tracked", Tensor.scalar(5f)), true);
        assertClose(Tensor.fromArray(new float[] {3, 4}, 2), stats.stateDict().get("running_mean"), 0, 0, "mean");
        assertEquals(DType.INT64, stats.stateDict().get("num_batches_tracked").dtype());
        assertEquals(5, stats.stateDict().get("num_batches_tracked").toLongArray()[0]);
    }

    @Test
    void freezeAndUnfreezeWithGlobs() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        long total = net.parameterCount();
        long block = new ReferenceNet.Block(0).parameterCount();
        assertEquals(8 * 16 + 16 + 16 * 8 + 8 + 2 * 8, block);
        assertEquals(4 * 8 + 8 + 2 * block + 8 * 6 + 2 * 6, total);

        assertEquals(12, net.freeze("encoder"), "module name selects everything below it");
        assertEquals(total - 2 * block, net.trainableParameterCount());
        assertEquals(8, net.unfreeze("encoder.layers.*.fc?"), "* within a segment, ? one character");
        assertEquals(total - 2 * (block - 8 * 16 - 16 - 16 * 8 - 8), net.trainableParameterCount());
        assertEquals(12, net.unfreeze("encoder.layers"));
        assertEquals(total, net.trainableParameterCount());

        assertEquals(8, net.freeze("**.bias"), "** across segments, including none");
        assertTrue(net.namedParameters().entrySet().stream()
                .allMatch(e -> e.getValue().requiresGrad() != e.getKey().endsWith("bias")));
        assertEquals(0, net.freeze("encoder.*.fc1"), "* does not cross a dot");
        assertEquals(2, net.freeze("*.layers.1.fc1"));
        assertEquals(net.parameterCount(), total);
        assertEquals(17, net.unfreeze("**"));
        assertEquals(net.parameters().size(), net.trainableParameters().size());
    }

    @Test
    void frozenParametersGetNoGradient() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        net.eval();
        net.freeze("embed");
        net.forward(Variable.constant(Tensor.randn(1, 3, 4))).sum().backward();
        net.namedParameters().forEach((name, p) -> assertEquals(!name.startsWith("embed"), p.grad() != null, name));
        net.zeroGrad();
        net.namedParameters().values().forEach(p -> assertNull(p.grad()));
    }

    @Test
    void trainAndEvalPropagateToTheSubtree() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        assertTrue(net.namedModules().values().stream().allMatch(Module::isTraining));
        net.eval();
        assertTrue(net.namedModules().values().stream().noneMatch(Module::isTraining));
        net.encoder.train();
        net.namedModules().forEach((name, m) -> assertEquals(name.startsWith("encoder"), m.isTraining(), name));
    }

    @Test
    void wrongShapesNameTheModulePath() {
        ReferenceNet.Net net = new ReferenceNet.Net(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.encoder.layers.get(1).fc1.forward(Variable.constant(Tensor.zeros(2, 7))));
        assertEquals("encoder.layers.1.fc1 (Linear): expected input of shape [..., 8] but got [2, 7]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(Variable.constant(Tensor.zeros(2, 5))));
        assertEquals("embed.0 (Linear): expected input of shape [..., 4] but got [2, 5]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.norm.forward(Variable.constant(Tensor.zeros(3, 6))));
        assertEquals("norm (LayerNorm): expected input of shape [..., 2, 3] but got [3, 6]", e.getMessage());
        assertEquals("Net", net.path());
        assertEquals("encoder.layers.1.ln", net.encoder.layers.get(1).ln.path());
    }

    @Test
    void registrationRejectsBadNamesAndSecondParents() {
        Linear shared = new Linear(2, 2, 0);
        Sequential first = new Sequential(shared);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sequential(shared));
        assertTrue(e.getMessage().contains("already registered as 0"), e.getMessage());
        Module m = new Module() {
            {
                registerParameter("w", Tensor.zeros(1));
                assertThrows(IllegalArgumentException.class, () -> registerBuffer("w", Tensor.zeros(1)));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("a.b", Tensor.zeros(1)));
                assertThrows(IllegalArgumentException.class, () -> registerModule("", new ReLU()));
            }
        };
        assertEquals(1, m.parameters().size());
        assertEquals(1, first.size());
    }

    @Test
    void sequentialAndModuleListIndexTheirChildren() {
        Linear a = new Linear(3, 4, 1);
        Tanh b = new Tanh();
        Sequential seq = new Sequential(a).add(b);
        assertEquals(List.of("0", "1"), new ArrayList<>(seq.children().keySet()));
        assertEquals(b, seq.get(1));
        Tensor x = Tensor.randn(2, 5, 3);
        assertClose(b.forward(a.forward(Variable.constant(x))).data(), seq.forward(Variable.constant(x)).data(), 0, 0,
                "composition");
        ModuleList<Linear> list = new ModuleList<>(List.of(new Linear(2, 2, 1), new Linear(2, 3, 2)));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), new ArrayList<>(list.stateDict().keySet()));
        assertEquals(3, list.get(1).outFeatures());
        assertThrows(UnsupportedOperationException.class, () -> list.forward(Variable.constant(x)));
        assertThrows(UnsupportedOperationException.class, () -> list.iterator().remove());
        Map<String, Integer> seen = new HashMap<>();
        list.forEach(l -> seen.put(l.path(), l.outFeatures()));
        assertEquals(Map.of("0", 2, "1", 3), seen);
        assertFalse(new Sequential().toString().contains("\n"));
    }
}
