package dev.cortado.training.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.optim.Optimizer;
import dev.cortado.training.optim.ParamGroup;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal stand-in for the real SGD while the trainer is tested on its own: v ← μ·v + g, θ ← θ − lr·v,
 * with the momenta (by parameter name) and a step count as checkpoint state, so resume must restore them.
 */
final class MomentumSgdForTests extends Optimizer {
    private final float momentum;
    private final Map<String, Tensor> velocities = new LinkedHashMap<>();
    private long steps;

    MomentumSgdForTests(Map<String, Variable> parameters, double lr, float momentum) {
        super(List.of(new ParamGroup("all", parameters, lr, 0)));
        this.momentum = momentum;
        parameters.forEach((name, p) -> velocities.put(name, Tensor.zeros(p.shape())));
    }

    @Override
    public void step() {
        steps++;
        ParamGroup group = groups().getFirst();
        group.parameters().forEach((name, p) -> {
            if (p.grad() == null) {
                return;
            }
            float[] v = velocities.get(name).floatData();
            float[] g = p.grad().contiguous().toFloatArray();
            float[] theta = p.data().floatData();
            for (int i = 0; i < v.length; i++) {
                v[i] = momentum * v[i] + g[i];
                theta[i] -= (float) group.lr() * v[i];
            }
            p.data().markModified();
        });
    }

    long steps() {
        return steps;
    }

    @Override
    public Map<String, Tensor> stateTensors() {
        return velocities;
    }

    @Override
    public ObjectNode stateJson() {
        return JsonNodeFactory.instance.objectNode().put("steps", steps);
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, JsonNode json) {
        if (!tensors.keySet().equals(velocities.keySet())) {
            throw new IllegalArgumentException("MomentumSgdForTests: state keys " + tensors.keySet() + " vs " + velocities.keySet());
        }
        velocities.forEach((name, v) -> {
            if (!Arrays.equals(v.shape(), tensors.get(name).shape())) {
                throw new IllegalArgumentException("MomentumSgdForTests: " + name + " shape mismatch");
            }
        });
        velocities.forEach((name, v) -> v.copyFrom(tensors.get(name)));
        steps = json.get("steps").asLong();
    }
}
