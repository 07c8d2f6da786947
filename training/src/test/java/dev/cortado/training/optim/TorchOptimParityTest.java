package dev.cortado.training.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cortado.tensor.TensorAssert.assertClose;

/**
 * SGD (plain, momentum, Nesterov, weight decay, dampening), Adam and AdamW against torch.optim
 * (tools/reference/gen_optim.py): parameter groups with their own lr and weight decay, every parameter after
 * every step; some cases leave a parameter without a gradient for a step or two (frozen), which torch skips
 * while keeping its state and its own step count.
 */
class TorchOptimParityTest {
    private static final Set<String> KINDS = Set.of("sgd", "adam", "adamw");

    static List<Fixtures.Case> cases() {
        return Fixtures.load("optim.json").stream().filter(c -> KINDS.contains(c.op())).toList();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c) {
        List<Variable> params = new ArrayList<>();
        for (int i = 0; i < c.intArg("params"); i++) {
            params.add(Variable.parameter(c.input("param" + i).copy()));
        }
        List<ParamGroup> groups = new ArrayList<>();
        for (JsonNode g : c.args().get("groups")) {
            Map<String, Variable> members = new LinkedHashMap<>();
            g.get("params").forEach(i -> members.put("p" + i.asInt(), params.get(i.asInt())));
            groups.add(new ParamGroup("group" + groups.size(), members, g.get("lr").asDouble(), g.get("weight_decay").asDouble()));
        }
        Optimizer optimizer = switch (c.op()) {
            case "sgd" -> new SGD(groups, arg(c, "momentum", 0), arg(c, "dampening", 0), c.args().path("nesterov").asBoolean(false));
            case "adam" -> new Adam(groups, c.doubleArg("beta1"), c.doubleArg("beta2"), c.doubleArg("eps"));
            default -> new AdamW(groups, c.doubleArg("beta1"), c.doubleArg("beta2"), c.doubleArg("eps"));
        };
        for (int step = 0; step < c.intArg("steps"); step++) {
            optimizer.zeroGrad();
            for (int i = 0; i < params.size(); i++) {
                String key = "grad" + step + "_" + i;
                if (c.hasInput(key)) {
                    params.get(i).setGrad(c.input(key));
                }
            }
            optimizer.step();
            for (int i = 0; i < params.size(); i++) {
                // float32 arithmetic, partly in another order than PyTorch's kernels: a few ulps per step.
                Tensor actual = params.get(i).data();
                assertClose(c.output("after" + step + "_" + i), actual, 1e-6, 1e-5, c.name() + " param " + i + " after step " + step);
            }
        }
    }

    private static double arg(Fixtures.Case c, String key, double fallback) {
        return c.args().path(key).asDouble(fallback);
    }
}
