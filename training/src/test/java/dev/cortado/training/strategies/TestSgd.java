package dev.cortado.training.strategies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.training.optim.Optimizer;
import dev.cortado.training.optim.ParamGroup;

import java.util.List;
import java.util.Map;

/**
 * Test-only plain SGD, θ ← θ − lr·g over parameter groups (parameters without a gradient are skipped), so the
 * strategy tests need no real optimiser. To be replaced by training.optim's SGD; it has no state.
 */
final class TestSgd extends Optimizer {
    TestSgd(List<ParamGroup> groups) {
        super(groups);
    }

    @Override
    public void step() {
        for (ParamGroup group : groups()) {
            for (Variable p : group.parameters().values()) {
                if (p.grad() != null) {
                    p.data().copyFrom(Elementwise.sub(p.data(), Elementwise.mul(p.grad(), (float) group.lr())));
                }
            }
        }
    }

    @Override
    public Map<String, Tensor> stateTensors() {
        return Map.of();
    }

    @Override
    public ObjectNode stateJson() {
        return JsonNodeFactory.instance.objectNode();
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, JsonNode json) {
    }
}
