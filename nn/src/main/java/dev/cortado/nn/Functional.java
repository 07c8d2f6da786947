package dev.cortado.nn;

import dev.cortado.autograd.JoinOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Tensor;

import java.util.List;

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

    /**
     * softplus(x) = log(1 + eˣ), computed as logsumexp over the pair {0, x}: stable for any x, and its
     * gradient is σ(x) everywhere. (The common relu(x) + log(1 + e^−|x|) is as stable, but composed from
     * relu and |x|, whose slopes at 0 are both taken as 0, its gradient at x = 0 would be 0, not σ(0) = 1/2.)
     */
    public static Variable softplus(Variable x) {
        int last = x.dim();
        Variable pairs = JoinOps.stack(last, List.of(Variable.constant(Tensor.zeros(x.shape())), x));
        return ReductionOps.logsumexp(pairs, new int[] {last}, false);
    }
}
