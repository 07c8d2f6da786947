package dev.cortado.nn;

import static dev.cortado.autograd.ParityAssert.FORWARD;
import static dev.cortado.autograd.ParityAssert.GRADIENT;
import static dev.cortado.autograd.ParityAssert.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conv2d and BatchNorm2d against torch.nn with identical weights ({@code tools/reference/gen_autograd.py}):
 * the PyTorch state dict is loaded strictly, then the output must match with relative error ≤ 1e-5, the
 * input and parameter gradients for the upstream gradient "g" with ≤ 1e-4, and BatchNorm2d's buffers after
 * the forward pass (running statistics ≤ 1e-5, the batch count exactly).
 */
class LayerFixtureTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("nn_layers.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void layerMatchesPyTorch(Fixtures.Case c) {
        Module layer = switch (c.op()) {
            case "Conv2d" -> new Conv2d.Builder(c.intArg("in_channels"), c.intArg("out_channels"), c.intArg("kernel"))
                    .stride(c.intArg("stride")).padding(c.intArg("padding")).groups(c.intArg("groups")).build(1);
            case "BatchNorm2d" -> new BatchNorm2d(c.intArg("num_features")).train(c.boolArg("training"));
            default -> throw new IllegalArgumentException("no layer for fixture op " + c.op());
        };
        Map<String, Tensor> state = new LinkedHashMap<>();
        layer.stateDict().keySet().forEach(key -> state.put(key, c.input(key)));
        assertEquals(true, layer.loadStateDict(state, true).clean(), c + ": PyTorch's keys load strictly");

        Variable x = Variable.parameter(c.input("x"));
        Variable y = layer.forward(x);
        assertRelative(c.output("y"), y.data(), FORWARD, c + " y");
        y.backward(c.input("g"));
        assertRelative(c.output("grad_x"), x.grad(), GRADIENT, c + " grad_x");
        layer.namedParameters().forEach((key, p) ->
                assertRelative(c.output("grad_" + key), p.grad(), GRADIENT, c + " grad_" + key));
        if (layer instanceof BatchNorm2d bn) {
            assertRelative(c.output("running_mean"), bn.runningMean(), FORWARD, c + " running_mean");
            assertRelative(c.output("running_var"), bn.runningVar(), FORWARD, c + " running_var");
            assertEquals(c.output("num_batches_tracked").toLongArray()[0], bn.numBatchesTracked(), c + " batches");
        }
    }
}
