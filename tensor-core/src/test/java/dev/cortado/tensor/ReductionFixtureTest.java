package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;

import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reductions, softmax and layer norm against PyTorch 1.13 (tools/reference/gen_reductions.py) on both
 * backends. Tolerances: the CPU backend sums in float with vector lanes (a different association than
 * PyTorch's), so sums carry rtol 1e-5 and atol 1e-5 (inputs are O(1)–O(10), rows ≤ 4099 long); max/min
 * and arg-reductions are exact; softmax/layer-norm values are O(1) and agree to 2e-6.
 */
class ReductionFixtureTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-5;

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return BackendCases.forEach(Fixtures.load("reductions.json"), c -> {
            Tensor x = c.input("x");
            switch (c.op()) {
                case "reduce" -> forEachOutput(c, (key, expected) -> {
                    String[] parts = key.split("\\|", -1);
                    int[] dims = parts[1].isEmpty() ? new int[0]
                            : Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
                    boolean keep = parts[2].equals("1");
                    Tensor actual = switch (parts[0]) {
                        case "sum" -> Reductions.sum(x, dims, keep);
                        case "mean" -> Reductions.mean(x, dims, keep);
                        case "max" -> Reductions.max(x, dims, keep);
                        case "min" -> Reductions.min(x, dims, keep);
                        case "logsumexp" -> Reductions.logsumexp(x, dims, keep);
                        default -> throw new IllegalArgumentException(key);
                    };
                    assertClose(expected, actual, ATOL, RTOL, c.name() + " " + key);
                });
                case "var" -> assertClose(c.output("y"),
                        Reductions.var(x, c.intsArg("dims"), c.intArg("correction"), c.boolArg("keepdim")),
                        ATOL, RTOL, c.name());
                case "arg" -> {
                    boolean max = c.args().get("fn").asText().equals("argmax");
                    Tensor actual = c.args().get("dim").isNull()
                            ? (max ? Reductions.argmax(x) : Reductions.argmin(x))
                            : (max ? Reductions.argmax(x, c.intArg("dim"), c.boolArg("keepdim"))
                                    : Reductions.argmin(x, c.intArg("dim"), c.boolArg("keepdim")));
                    assertClose(c.output("y"), actual, 0, 0, c.name());
                }
                case "softmax" -> forEachOutput(c, (key, expected) -> {
                    String[] parts = key.split("\\|");
                    int dim = Integer.parseInt(parts[1]);
                    Tensor actual = parts[0].equals("softmax") ? Softmax.softmax(x, dim) : Softmax.logSoftmax(x, dim);
                    assertClose(expected, actual, 2e-6, 2e-6, c.name() + " " + key);
                });
                case "layer_norm" -> forEachOutput(c, (key, expected) -> {
                    boolean affine = key.equals("affine");
                    Tensor actual = LayerNorm.layerNorm(x, c.intsArg("normalized_shape"),
                            affine ? c.input("weight") : null, affine ? c.input("bias") : null,
                            (float) c.doubleArg("eps"));
                    assertClose(expected, actual, 2e-6, 2e-6, c.name() + " " + key);
                });
                default -> throw new IllegalArgumentException("unknown op " + c.op());
            }
        });
    }

    private interface OutputCheck {
        void check(String key, Tensor expected);
    }

    private static void forEachOutput(Fixtures.Case c, OutputCheck check) {
        for (Iterator<String> keys = c.outputs().fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            check.check(key, c.output(key));
        }
    }
}
