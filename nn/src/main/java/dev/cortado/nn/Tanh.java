package dev.cortado.nn;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/** tanh x, as torch.nn.Tanh. */
public class Tanh extends Module {
    @Override
    public Variable forward(Variable x) {
        return MathOps.tanh(x);
    }
}
