package dev.cortado.nn;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/** max(x, 0), as torch.nn.ReLU. */
public class ReLU extends Module {
    @Override
    public Variable forward(Variable x) {
        return MathOps.relu(x);
    }
}
