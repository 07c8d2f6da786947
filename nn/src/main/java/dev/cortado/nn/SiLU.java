package dev.cortado.nn;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/** x·σ(x), as torch.nn.SiLU. */
public class SiLU extends Module {
    @Override
    public Variable forward(Variable x) {
        return MathOps.silu(x);
    }
}
