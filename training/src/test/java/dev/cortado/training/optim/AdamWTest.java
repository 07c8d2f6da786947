package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.cortado.tensor.TensorAssert.assertClose;

/** AdamW against torch.optim.AdamW (tools/reference/gen_optim.py): parameters after each of three steps. */
class AdamWTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("optim.json").stream().filter(c -> c.op().equals("adamw")).toList();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c) {
        Variable param = Variable.parameter(c.input("param").copy());
        AdamW optimizer = new AdamW(List.of(param), (float) c.doubleArg("lr"), (float) c.doubleArg("beta1"),
                (float) c.doubleArg("beta2"), (float) c.doubleArg("eps"), (float) c.doubleArg("weight_decay"));
        for (int step = 0; step < c.intArg("steps"); step++) {
            param.setGrad(c.input("grad" + step));
            optimizer.step();
            // float32 arithmetic in a different order than PyTorch's: a few ulps per step.
            assertClose(c.output("after" + step), param.data(), 1e-6, 1e-5, c.name() + " after step " + step);
        }
    }
}
