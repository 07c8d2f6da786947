package dev.cortado.nn;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/** 1/(1 + e^-x), as torch.nn.Sigmoid. */
public class Sigmoid extends Module {
    @Override
    public Variable forward(Variable x) {
        return MathOps.sigmoid(x);
    }
}
