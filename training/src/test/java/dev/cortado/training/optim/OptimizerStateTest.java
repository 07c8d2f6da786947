package dev.cortado.training.optim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static dev.cortado.tensor.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoint state of the optimisers (save, load, rejection) and skipping of frozen parameters. */
class OptimizerStateTest {
    private static final Map<String, Function<List<ParamGroup>, SlotOptimizer>> OPTIMIZERS = Map.of(
            "sgd", groups -> new SGD(groups, 0.9, 0.1, false),
            "nesterov", groups -> new SGD(groups, 0.9, 0, true),
            "adam", Adam::new,
            "adamw", AdamW::new);

    /** Two groups: "body" (a 3×4 weight and a bias) and "head" (a 2×3 weight), fresh values from seed. */
    private static List<ParamGroup> groups(long seed) {
        Map<String, Variable> body = new LinkedHashMap<>();
        body.put("body.weight", Variable.parameter(Tensor.randn(seed, 3, 4)));
        body.put("body.bias", Variable.parameter(Tensor.randn(seed + 1, 4)));
        return List.of(new ParamGroup("body", body, 0.05, 0.01),
                new ParamGroup("head", Map.of("head.weight", Variable.parameter(Tensor.randn(seed + 2, 2, 3))), 0.2, 0));
    }

    /** Sets a gradient on every parameter from {@code seed} (the same for both optimisers) and steps. */
    private static void step(SlotOptimizer optimizer, long seed) {
        step(optimizer, seed, Set.of());
    }

    /** As {@link #step(SlotOptimizer, long)}, leaving the parameters named in {@code frozen} without a gradient. */
    private static void step(SlotOptimizer optimizer, long seed, Set<String> frozen) {
        optimizer.zeroGrad();
        int i = 0;
        for (ParamGroup group : optimizer.groups()) {
            for (Map.Entry<String, Variable> entry : group.parameters().entrySet()) {
                Tensor grad = Tensor.randn(seed * 31 + i++, entry.getValue().shape());
                if (!frozen.contains(entry.getKey())) {
                    entry.getValue().setGrad(grad);
                }
            }
        }
        optimizer.step();
    }

    private static Map<String, Tensor> values(SlotOptimizer optimizer) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        optimizer.groups().forEach(g -> g.parameters().forEach((name, p) -> out.put(name, p.data().copy())));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "nesterov", "adam", "adamw"})
    void stateLoadedIntoAFreshOptimiserContinuesBitForBit(String kind) {
        SlotOptimizer a = OPTIMIZERS.get(kind).apply(groups(1));
        for (int s = 0; s < 3; s++) {
            step(a, s);
        }
        a.groups().get(1).setLr(0.07);   // as a schedule would have left it
        SlotOptimizer b = OPTIMIZERS.get(kind).apply(groups(99));
        // The parameters travel with the model's weights; copy them, then load the optimiser's own state.
        Map<String, Tensor> weights = values(a);
        b.groups().forEach(g -> g.parameters().forEach((name, p) -> p.data().copyFrom(weights.get(name))));
        b.loadState(a.stateTensors(), a.stateJson().deepCopy());
        assertEquals(3, b.stepCount());
        assertEquals(0.07, b.groups().get(1).lr());
        assertEquals(0.2, b.groups().get(1).baseLr());
        for (int s = 3; s < 5; s++) {
            step(a, s);
            step(b, s);
        }
        Map<String, Tensor> after = values(b);
        values(a).forEach((name, expected) -> assertSame(expected, after.get(name), kind + " " + name));
        a.stateTensors().forEach((key, expected) -> assertSame(expected, b.stateTensors().get(key), kind + " " + key));
    }

    @Test
    void stateIsKeyedByParameterNameAndSlot() {
        SlotOptimizer adam = new AdamW(groups(1));
        step(adam, 0);
        assertEquals(List.of("body.weight.exp_avg", "body.weight.exp_avg_sq", "body.bias.exp_avg", "body.bias.exp_avg_sq",
                "head.weight.exp_avg", "head.weight.exp_avg_sq"), List.copyOf(adam.stateTensors().keySet()));
        ObjectNode json = adam.stateJson();
        assertEquals(1, json.get("step").asLong());
        assertEquals(1, json.get("param_steps").get("head.weight").asLong());
        assertEquals("head", json.get("groups").get(1).get("name").asText());
        assertEquals(0.01, json.get("groups").get(0).get("weight_decay").asDouble());
        SlotOptimizer sgd = new SGD(groups(1));
        step(sgd, 0);
        assertTrue(sgd.stateTensors().isEmpty(), "plain SGD keeps no buffers");
    }

    @Test
    void mismatchedStateIsRejectedListingEveryProblemAndChangesNothing() {
        SlotOptimizer a = new Adam(groups(1));
        step(a, 0);
        step(a, 1);
        Map<String, Tensor> tensors = new LinkedHashMap<>(a.stateTensors());
        tensors.put("body.bias.exp_avg", Tensor.zeros(5));            // wrong shape
        tensors.remove("head.weight.exp_avg_sq");                     // missing
        tensors.put("tail.weight.exp_avg", Tensor.zeros(2));          // unknown
        ObjectNode json = a.stateJson();
        ((ObjectNode) json.get("groups").get(1)).put("name", "classifier");

        SlotOptimizer b = new Adam(groups(7));
        step(b, 5);
        b.groups().get(0).setLr(0.001);
        Map<String, Tensor> stateBefore = b.stateTensors();
        String jsonBefore = b.stateJson().toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadState(tensors, json));
        for (String expected : List.of("body.bias.exp_avg: expected " + DType.FLOAT32 + " [4], got " + DType.FLOAT32 + " [5]",
                "missing tensor head.weight.exp_avg_sq",
                "unexpected tensor tail.weight.exp_avg", "group 1 is named \"classifier\", expected head")) {
            assertTrue(e.getMessage().contains(expected), "message lacks '" + expected + "': " + e.getMessage());
        }
        assertEquals(jsonBefore, b.stateJson().toString());
        stateBefore.forEach((key, expected) -> assertSame(expected, b.stateTensors().get(key), key));

        ObjectNode otherModel = a.stateJson();
        ((ObjectNode) otherModel.get("param_steps")).put("encoder.weight", 2);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> b.loadState(a.stateTensors(), otherModel));
        assertTrue(unknown.getMessage().contains("state for unknown parameter encoder.weight"), unknown.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adamw"})
    void frozenParameterIsSkippedAndKeepsItsState(String kind) {
        SlotOptimizer optimizer = OPTIMIZERS.get(kind).apply(groups(3));
        step(optimizer, 0);
        step(optimizer, 1);
        Map<String, Tensor> stateBefore = optimizer.stateTensors();
        Variable head = optimizer.groups().get(1).parameters().get("head.weight");
        Tensor headBefore = head.data().copy();
        for (int s = 2; s < 4; s++) {
            step(optimizer, s, Set.of("head.weight"));   // frozen: backward leaves it without a gradient
        }
        assertSame(headBefore, head.data(), kind + ": frozen head unchanged");
        for (String slot : kind.equals("sgd") ? List.of("momentum_buffer") : List.of("exp_avg", "exp_avg_sq")) {
            String key = "head.weight." + slot;
            assertSame(stateBefore.get(key), optimizer.stateTensors().get(key), kind + ": " + key + " kept");
            String body = "body.weight." + slot;
            assertFalse(Arrays.equals(stateBefore.get(body).toFloatArray(), optimizer.stateTensors().get(body).toFloatArray()),
                    kind + ": " + body + " moved on");
        }
        assertEquals(2, optimizer.stateJson().get("param_steps").get("head.weight").asLong());
        assertEquals(4, optimizer.stateJson().get("param_steps").get("body.weight").asLong());
        assertEquals(4, optimizer.stepCount());
    }

    @Test
    void rejectsAParameterTwice() {
        Variable p = Variable.parameter(Tensor.zeros(2));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(new ParamGroup("a", Map.of("x", p), 0.1, 0),
                new ParamGroup("b", Map.of("y", p), 0.1, 0))));
        // Nesterov with dampening, refused as PyTorch refuses it.
        assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(new ParamGroup("a", Map.of("x", p), 0.1, 0)), 0.5, 0.1, true));
    }
}
