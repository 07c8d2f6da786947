package dev.cortado.nn;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/** GELU, as torch.nn.GELU: exact x·Φ(x), or with {@code tanh} the approximation x/2·(1 + tanh(√(2/π)(x + 0.044715x³))). */
public class GELU extends Module {
    private final boolean tanh;

    /** The exact (erf) form. */
    public GELU() {
        this(false);
    }

    public GELU(boolean tanhApproximation) {
        this.tanh = tanhApproximation;
    }

    @Override
    public Variable forward(Variable x) {
        return tanh ? MathOps.geluTanh(x) : MathOps.gelu(x);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + (tanh ? "tanh" : "none") + "'";
    }
}
