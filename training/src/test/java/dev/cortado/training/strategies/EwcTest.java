package dev.cortado.training.strategies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Losses;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import dev.cortado.training.data.Dataset;
import dev.cortado.training.data.Example;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EWC on a Linear 2→2: the empirical Fisher, the penalty and its gradient, online and plain, checkpoints. */
class EwcTest {
    /** float32 values of order 1 through a few ops: a few ulps. */
    private static final float TOL = 1e-6f;

    /** W = [[ln 3, 0], [0, 0]], b = 0: logits (ln 3·x₀, 0), so p(class 0) = 3^x₀ / (3^x₀ + 1). */
    private static Linear model() {
        Linear linear = new Linear(2, 2, 5);
        set(linear, new float[] {(float) Math.log(3), 0, 0, 0}, new float[] {0, 0});
        return linear;
    }

    private static void set(Linear linear, float[] w, float[] b) {
        linear.weight().data().copyFrom(Tensor.fromArray(w, 2, 2));
        linear.bias().data().copyFrom(Tensor.fromArray(b, 2));
    }

    private static Dataset dataset(List<Example> examples) {
        return new Dataset() {
            @Override
            public int size() {
                return examples.size();
            }

            @Override
            public Example get(int index) {
                return examples.get(index);
            }
        };
    }

    private static final Dataset THREE = dataset(List.of(
            new Example(Tensor.fromArray(new float[] {1, 2}, 2), 0),
            new Example(Tensor.fromArray(new float[] {0, 3}, 2), 1),
            new Example(Tensor.fromArray(new float[] {-1, 1}, 2), 1)));

    private static Variable crossEntropy(Linear model, Example ex) {
        return Losses.crossEntropy(model.forward(Variable.constant(ex.input().unsqueeze(0))),
                Tensor.fromLongs(new long[] {ex.label()}, 1));
    }

    private static Map<String, Tensor> fisher(float[] w, float[] b) {
        Map<String, Tensor> f = new LinkedHashMap<>();
        f.put("weight", Tensor.fromArray(w, 2, 2));
        f.put("bias", Tensor.fromArray(b, 2));
        return f;
    }

    /**
     * For cross-entropy, ∂ℓ/∂z = p − e_y, ∂ℓ/∂W = (p − e_y)·xᵀ, ∂ℓ/∂b = p − e_y; with two classes p − e_y = (a, −a).
     * <pre>
     * x = (1, 2),  y = 0: p = (3/4, 1/4), a = −1/4: (∂W)² rows (1/16, 1/4), (∂b)² = 1/16
     * x = (0, 3),  y = 1: p = (1/2, 1/2), a =  1/2: (∂W)² rows (0, 9/4),    (∂b)² = 1/4
     * x = (−1, 1), y = 1: p = (1/4, 3/4), a =  1/4: (∂W)² rows (1/16, 1/16), (∂b)² = 1/16
     * F_W rows = ((1/16 + 0 + 1/16)/3, (1/4 + 9/4 + 1/16)/3) = (1/24, 41/48);  F_b = (3/8)/3 = 1/8
     * </pre>
     */
    @Test
    void empiricalFisherOfThreeSamplesByHand() {
        Linear model = model();
        Map<String, Tensor> f = FisherEstimator.empirical(model, THREE, 3, 1, ex -> crossEntropy(model, ex));
        assertEquals(List.of("weight", "bias"), List.copyOf(f.keySet()));
        float w0 = 1f / 24, w1 = 41f / 48;
        TensorAssert.assertClose(Tensor.fromArray(new float[] {w0, w1, w0, w1}, 2, 2), f.get("weight"), TOL, TOL, "F_W");
        TensorAssert.assertClose(Tensor.fromArray(new float[] {1f / 8, 1f / 8}, 2), f.get("bias"), TOL, TOL, "F_b");
        assertNull(model.weight().grad(), "no gradient left behind");
        assertNull(model.bias().grad());

        // two distinct samples of the three: F_W[0][1] is the mean of two of {1/4, 9/4, 1/16}, F_b the same pair's
        Map<String, Tensor> two = FisherEstimator.empirical(model, THREE, 2, 7, ex -> crossEntropy(model, ex));
        float fw = two.get("weight").get(0, 1), fb = two.get("bias").get(0);
        float[][] pairs = {{(0.25f + 2.25f) / 2, (1f / 16 + 0.25f) / 2}, {(0.25f + 1f / 16) / 2, 1f / 16},
                {(2.25f + 1f / 16) / 2, (0.25f + 1f / 16) / 2}};
        assertTrue(List.of(pairs).stream().anyMatch(p -> Math.abs(p[0] - fw) < TOL && Math.abs(p[1] - fb) < TOL),
                "F_W01=" + fw + " F_b0=" + fb + " is the mean of one pair of samples");
        TensorAssert.assertSame(two.get("weight"),
                FisherEstimator.empirical(model, THREE, 2, 7, ex -> crossEntropy(model, ex)).get("weight"), "same seed");

        model.freeze("bias");
        assertEquals(List.of("weight"), List.copyOf(FisherEstimator.empirical(model, THREE, 3, 1,
                ex -> crossEntropy(model, ex)).keySet()), "frozen parameters have no Fisher");
        assertThrows(IllegalArgumentException.class,
                () -> FisherEstimator.empirical(model, THREE, 4, 1, ex -> crossEntropy(model, ex)));
    }

    /**
     * F_W = [[1, 2], [3, 4]], F_b = (0.5, 0), θ − θ* = ΔW [[0.1, −0.2], [0.3, 0]], Δb (1, 2), λ = 3:
     * Ω = 3/2 · (1·0.01 + 2·0.04 + 3·0.09 + 4·0 + 0.5·1 + 0·4) = 1.5 · 0.86 = 1.29;
     * ∂Ω/∂θ = λ·F·Δ: W [[0.3, −1.2], [2.7, 0]], b (1.5, 0).
     */
    @Test
    void penaltyAndItsGradientByHandAndByCentralDifferences() {
        Linear model = model();
        set(model, new float[] {0.5f, -1, 2, 0.25f}, new float[] {0, 1});
        Ewc ewc = Ewc.plain(model, 3);
        assertEquals(0f, ewc.penalty().data().item(), "no task yet");
        ewc.consolidate(fisher(new float[] {1, 2, 3, 4}, new float[] {0.5f, 0}));
        set(model, new float[] {0.6f, -1.2f, 2.3f, 0.25f}, new float[] {1, 3});

        Variable omega = ewc.penalty();
        assertEquals(1.29f, omega.data().item(), 1e-5f);
        omega.backward();
        TensorAssert.assertClose(Tensor.fromArray(new float[] {0.3f, -1.2f, 2.7f, 0}, 2, 2), model.weight().grad(),
                1e-5, 1e-5, "dΩ/dW");
        TensorAssert.assertClose(Tensor.fromArray(new float[] {1.5f, 0}, 2), model.bias().grad(), 1e-5, 1e-5, "dΩ/db");

        // central differences, h = 1e-2: exact for a quadratic up to float32 rounding of Ω (~1e-7 / 2h)
        for (Variable p : List.of(model.weight(), model.bias())) {
            float[] grad = p.grad().toFloatArray();
            float[] values = p.data().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                float[] plus = values.clone(), minus = values.clone();
                plus[i] += 1e-2f;
                minus[i] -= 1e-2f;
                p.data().copyFrom(Tensor.fromArray(plus, p.shape()));
                float up = ewc.penalty().data().item();
                p.data().copyFrom(Tensor.fromArray(minus, p.shape()));
                float down = ewc.penalty().data().item();
                p.data().copyFrom(Tensor.fromArray(values, p.shape()));
                assertEquals(grad[i], (up - down) / (plus[i] - minus[i]), 1e-4, "central difference, element " + i);
            }
        }
    }

    /** Ω for the model's current W, b against one (F, θ*) pair, computed in double. */
    private static double term(Linear model, Map<String, Tensor> f, float[] anchorW, float[] anchorB) {
        double sum = 0;
        float[] w = model.weight().data().toFloatArray(), b = model.bias().data().toFloatArray();
        float[] fw = f.get("weight").toFloatArray(), fb = f.get("bias").toFloatArray();
        for (int i = 0; i < 4; i++) {
            sum += fw[i] * Math.pow(w[i] - anchorW[i], 2);
        }
        for (int i = 0; i < 2; i++) {
            sum += fb[i] * Math.pow(b[i] - anchorB[i], 2);
        }
        return sum;
    }

    @Test
    void plainEwcSumsTheTasksAndOnlineEwcDecaysOneFisher() {
        float[] w1 = {1, 0, 0, 1}, b1 = {0, 0}, w2 = {2, 1, -1, 0}, b2 = {0.5f, -0.5f};
        Map<String, Tensor> f1 = fisher(new float[] {1, 2, 3, 4}, new float[] {1, 1});
        Map<String, Tensor> f2 = fisher(new float[] {0.5f, 0, 2, 1}, new float[] {0, 3});
        Linear model = model();
        Ewc plain = Ewc.plain(model, 2);
        Ewc online = Ewc.online(model, 2, 0.5);
        set(model, w1, b1);
        plain.consolidate(f1);
        online.consolidate(f1);
        set(model, w2, b2);
        plain.consolidate(f2);
        online.consolidate(f2);
        set(model, new float[] {1.5f, 0.5f, 0, 0.5f}, new float[] {1, 0});

        // plain: λ/2 · (Σ F₁(θ − θ₁)² + Σ F₂(θ − θ₂)²)
        double expectedPlain = 1.0 * (term(model, f1, w1, b1) + term(model, f2, w2, b2));
        assertEquals(expectedPlain, plain.penalty().data().item(), 1e-5 * expectedPlain);
        assertEquals(2, plain.tasksConsolidated());
        assertTrue(plain.stateTensors().containsKey("task1.anchor.bias"));

        // online: F = γ·F₁ + F₂ = W [[1, 1], [3.5, 3]], b (0.5, 3.5), anchored at θ₂ only
        Map<String, Tensor> merged = fisher(new float[] {1, 1, 3.5f, 3}, new float[] {0.5f, 3.5f});
        Map<String, Tensor> state = online.stateTensors();
        assertEquals(List.of("task0.fisher.weight", "task0.fisher.bias", "task0.anchor.weight", "task0.anchor.bias"),
                List.copyOf(state.keySet()));
        TensorAssert.assertSame(merged.get("weight"), state.get("task0.fisher.weight"), "running Fisher W");
        TensorAssert.assertSame(merged.get("bias"), state.get("task0.fisher.bias"), "running Fisher b");
        TensorAssert.assertSame(Tensor.fromArray(w2, 2, 2), state.get("task0.anchor.weight"), "latest anchor");
        double expectedOnline = 1.0 * term(model, merged, w2, b2);
        assertEquals(expectedOnline, online.penalty().data().item(), 1e-5 * expectedOnline);
        assertEquals(2, online.stateJson().get("consolidated").asInt());
        assertEquals(1, online.stateJson().get("tasks").asInt());
    }

    @Test
    void fisherNamesMustBeParameters() {
        Linear model = model();
        Ewc ewc = Ewc.plain(model, 1);
        Map<String, Tensor> wrong = new LinkedHashMap<>(fisher(new float[4], new float[2]));
        wrong.put("weight2", Tensor.zeros(2, 2));
        wrong.put("bias", Tensor.zeros(3));
        var e = assertThrows(IllegalArgumentException.class, () -> ewc.consolidate(wrong));
        assertTrue(e.getMessage().contains("'weight2', which is not a parameter of Linear"), e.getMessage());
        assertTrue(e.getMessage().contains("'bias' has shape [3], the parameter [2]"), e.getMessage());
        assertEquals(0, ewc.tasksConsolidated());
    }

    @Test
    void checkpointRoundTripAndValidation() throws Exception {
        Linear model = model();
        Ewc saved = Ewc.plain(model, 4);
        saved.consolidate(fisher(new float[] {1, 2, 3, 4}, new float[] {1, 1}));
        set(model, new float[] {1, 1, 1, 1}, new float[] {2, 2});
        saved.consolidate(fisher(new float[] {4, 3, 2, 1}, new float[] {0, 1}));
        set(model, new float[] {0, 1, 2, 3}, new float[] {-1, 1});
        ObjectMapper mapper = new ObjectMapper();
        JsonNode json = mapper.readTree(mapper.writeValueAsString(saved.stateJson()));
        assertEquals("plain", json.get("mode").asText());
        assertEquals(4.0, json.get("lambda").asDouble());
        assertEquals(2, json.get("tasks").asInt());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        saved.stateTensors().forEach((k, v) -> tensors.put(k, v.copy()));

        Ewc restored = Ewc.plain(model, 4);
        restored.loadState(tensors, json);
        assertEquals(saved.penalty().data().item(), restored.penalty().data().item(), "same penalty after restore");
        assertEquals(saved.stateTensors().keySet(), restored.stateTensors().keySet());
        assertEquals(2, restored.tasksConsolidated());

        float before = restored.penalty().data().item();
        var mode = assertThrows(IllegalArgumentException.class, () -> Ewc.online(model, 4, 1).loadState(tensors, json));
        assertTrue(mode.getMessage().contains("mode 'plain' in the checkpoint, 'online' here"), mode.getMessage());
        var lambda = assertThrows(IllegalArgumentException.class, () -> Ewc.plain(model, 5).loadState(tensors, json));
        assertTrue(lambda.getMessage().contains("lambda=4.0"), lambda.getMessage());

        Map<String, Tensor> broken = new LinkedHashMap<>(tensors);
        broken.remove("task1.anchor.bias");
        broken.put("task0.fisher.weight", Tensor.zeros(3, 2));
        broken.put("task2.fisher.bias", Tensor.zeros(2));
        var e = assertThrows(IllegalArgumentException.class, () -> restored.loadState(broken, json));
        assertTrue(e.getMessage().startsWith("Ewc.loadState changed nothing"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected tensor task2.fisher.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("task 1: Fisher names [weight, bias] and anchor names [weight] differ"),
                e.getMessage());
        assertTrue(e.getMessage().contains("task 0 Fisher of 'weight' has shape [3, 2]"), e.getMessage());
        assertEquals(before, restored.penalty().data().item(), "a refused load changes nothing");

        ObjectNode tooMany = json.deepCopy();
        tooMany.put("tasks", 3);
        assertThrows(IllegalArgumentException.class, () -> restored.loadState(tensors, tooMany));
    }
}
