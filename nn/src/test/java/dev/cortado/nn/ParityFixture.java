package dev.cortado.nn;

import dev.cortado.autograd.ParityAssert;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;


/**
 * Module parity fixtures from {@code tools/reference/gen_attention.py}: weights under inputs
 * {@code param.<key>}, outputs {@code y}, {@code grad.<input>}, {@code grad.param.<key>}, compared with
 * {@link ParityAssert} (relative to the expected tensor's largest magnitude; 1e-5 forward, 1e-4 gradients).
 */
public final class ParityFixture {
    private ParityFixture() {
    }

    /** Loads the case's weights strictly (every key must match). */
    public static void load(Module module, Fixtures.Case c) {
        module.loadStateDict(c.inputsWithPrefix("param."), true);
    }

    /** Compares every parameter gradient of the module with {@code grad.param.<key>}. */
    public static void assertParameterGradients(Module module, Fixtures.Case c) {
        module.namedParameters().forEach((key, p) -> ParityAssert.assertRelative(c.output("grad.param." + key),
                gradOf(p, key, c), ParityAssert.GRADIENT, c + ": grad " + key));
    }

    private static Tensor gradOf(Variable p, String key, Fixtures.Case c) {
        if (p.grad() == null) {
            throw new AssertionError(c + ": parameter " + key + " received no gradient");
        }
        return p.grad();
    }
}
