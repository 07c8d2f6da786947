package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;

import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.UnaryOp;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Elementwise ops against PyTorch 1.13 (tools/reference/gen_elementwise.py) on both backends.
 * Tolerance: 2 float ulps relative (rtol 2.4e-7) plus atol 1e-6 for the transcendental functions, whose
 * vector forms are within a few ulps (the vector erf in GELU is A&amp;S 7.1.26, |error| ≤ 1.5e-7, as PyTorch's);
 * arithmetic and comparisons are exact.
 */
class ElementwiseFixtureTest {
    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return BackendCases.forEach(Fixtures.load("elementwise.json"), c -> {
            Tensor expected = c.output("y");
            switch (c.op()) {
                case "unary" -> {
                    UnaryOp op = UnaryOp.valueOf(c.args().get("fn").asText().toUpperCase(Locale.ROOT)
                            .replace("GELU", "GELU_ERF").replace("GELU_ERF_TANH", "GELU_TANH"));
                    assertClose(expected, Elementwise.unary(op, c.input("x")), 1e-6, 3e-7, c.name());
                }
                case "binary" -> {
                    BinaryOp op = BinaryOp.valueOf(c.args().get("fn").asText().toUpperCase(Locale.ROOT));
                    double rtol = op == BinaryOp.POW ? 3e-7 : 0;
                    assertClose(expected, Elementwise.binary(op, c.input("a"), c.input("b")), 0, rtol, c.name());
                }
                case "compare" -> {
                    CompareOp op = CompareOp.valueOf(c.args().get("fn").asText().toUpperCase(Locale.ROOT));
                    assertClose(expected, Elementwise.compare(op, c.input("a"), c.input("b")), 0, 0, c.name());
                }
                case "where" -> assertClose(expected,
                        Elementwise.where(c.input("condition"), c.input("a"), c.input("b")), 0, 0, c.name());
                case "masked_fill" -> {
                    float value = Float.parseFloat(c.args().get("value").asText().replace("inf", "Infinity"));
                    assertClose(expected, Elementwise.maskedFill(c.input("x"), c.input("mask"), value), 0, 0, c.name());
                }
                case "clamp" -> assertClose(expected, Elementwise.clamp(c.input("x"),
                        (float) c.doubleArg("min"), (float) c.doubleArg("max")), 0, 0, c.name());
                default -> throw new IllegalArgumentException("unknown op " + c.op());
            }
        });
    }
}
