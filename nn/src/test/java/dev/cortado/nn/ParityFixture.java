package dev.cortado.nn;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Module parity fixtures from {@code tools/reference/gen_attention.py}: weights under inputs
 * {@code param.<key>}, outputs {@code y}, {@code grad.<input>}, {@code grad.param.<key>}. Tolerances are
 * relative to the largest magnitude of the expected tensor: |actual − expected| ≤ rel·max|expected| + rel·|expected|.
 */
public final class ParityFixture {
    /** Forward outputs: relative error ≤ 1e-5. */
    public static final double FORWARD_REL = 1e-5;
    /** Gradients: relative error ≤ 1e-4. */
    public static final double GRADIENT_REL = 1e-4;

    private ParityFixture() {
    }

    /** The case's weights by state-dict key. */
    public static Map<String, Tensor> parameters(Fixtures.Case c) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Iterator<String> it = c.inputs().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith("param.")) {
                out.put(key.substring("param.".length()), c.input(key));
            }
        }
        return out;
    }

    /** Loads the case's weights strictly (every key must match). */
    public static void load(Module module, Fixtures.Case c) {
        module.loadStateDict(parameters(c), true);
    }

    /** Compares every parameter gradient of the module with {@code grad.param.<key>}. */
    public static void assertParameterGradients(Module module, Fixtures.Case c) {
        module.namedParameters().forEach((key, p) -> assertRel(c.output("grad.param." + key), gradOf(p, key, c),
                GRADIENT_REL, c + ": grad " + key));
    }

    public static void assertRel(Tensor expected, Tensor actual, double rel, String what) {
        double scale = 0;
        for (float v : expected.toFloatArray()) {
            scale = Math.max(scale, Math.abs(v));
        }
        TensorAssert.assertClose(expected, actual, rel * scale, rel, what);
    }

    private static Tensor gradOf(Variable p, String key, Fixtures.Case c) {
        if (p.grad() == null) {
            throw new AssertionError(c + ": parameter " + key + " received no gradient");
        }
        return p.grad();
    }
}
