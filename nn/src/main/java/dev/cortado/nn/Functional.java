package dev.cortado.nn;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/**
 * Stateless forms of layer maths that are compositions of autograd ops (their gradients come from the
 * primitives). The primitive ops themselves live in dev.cortado.autograd ({@code MathOps}, {@code NormOps}, …).
 */
public final class Functional {
    private Functional() {
    }

    /** x·σ(1.702x), CLIP's "QuickGELU". */
    public static Variable quickGelu(Variable x) {
        return MathOps.mul(x, MathOps.sigmoid(MathOps.mul(x, 1.702f)));
    }
}
