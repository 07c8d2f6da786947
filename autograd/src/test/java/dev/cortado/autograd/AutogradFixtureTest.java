package dev.cortado.autograd;

import static dev.cortado.autograd.ParityAssert.FORWARD;
import static dev.cortado.autograd.ParityAssert.GRADIENT;
import static dev.cortado.autograd.ParityAssert.assertRelative;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.Pool2dParams;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Outputs and input gradients against PyTorch 1.13 ({@code tools/reference/gen_autograd.py}): each case's
 * float inputs (except the upstream gradient "g") become parameters, the op runs, {@code backward(g)},
 * and "y" must match with relative error ≤ 1e-5 and every "grad_&lt;input&gt;" with ≤ 1e-4
 * ({@link ParityAssert}).
 */
class AutogradFixtureTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("autograd_ops.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void outputAndGradientsMatchPyTorch(Fixtures.Case c) {
        Map<String, Variable> params = new LinkedHashMap<>();
        Map<String, Tensor> constants = new LinkedHashMap<>();
        for (Iterator<String> keys = c.inputs().fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            Tensor t = c.input(key);
            if (key.equals("g")) {
                continue;
            }
            if (t.dtype() == DType.FLOAT32) {
                params.put(key, Variable.parameter(t));
            } else {
                constants.put(key, t);
            }
        }
        Variable y = apply(c, params, constants);
        assertRelative(c.output("y"), y.data(), FORWARD, c + " y");
        y.backward(c.input("g"));
        params.forEach((key, p) -> assertRelative(c.output("grad_" + key), p.grad(), GRADIENT, c + " grad_" + key));
    }

    private static Variable apply(Fixtures.Case c, Map<String, Variable> p, Map<String, Tensor> k) {
        return switch (c.op()) {
            case "softmax" -> SoftmaxOps.softmax(p.get("x"), c.intArg("dim"));
            case "log_softmax" -> SoftmaxOps.logSoftmax(p.get("x"), c.intArg("dim"));
            case "layer_norm" -> NormOps.layerNorm(p.get("x"), c.intsArg("normalized_shape"), p.get("w"), p.get("b"),
                    (float) c.doubleArg("eps"));
            case "matmul" -> LinalgOps.matmul(p.get("input"), p.get("other"));
            case "conv2d" -> ConvOps.conv2d(p.get("x"), p.get("w"), p.get("b"), Conv2dParams.of(c.intArg("stride"),
                    c.intArg("padding"), c.intArg("dilation"), c.intArg("groups")));
            case "max_pool2d" -> PoolOps.maxPool2d(p.get("x"), pool(c));
            case "avg_pool2d" -> PoolOps.avgPool2d(p.get("x"), pool(c));
            case "adaptive_avg_pool2d" -> PoolOps.adaptiveAvgPool2d(p.get("x"), c.intsArg("output_size")[0],
                    c.intsArg("output_size")[1]);
            case "embedding" -> IndexOps.embedding(p.get("weight"), k.get("ids"));
            case "gather" -> IndexOps.gather(p.get("x"), c.intArg("dim"), k.get("index"));
            case "cat" -> JoinOps.cat(c.intArg("dim"), List.of(p.get("a"), p.get("b"), p.get("c")));
            case "var" -> ReductionOps.var(p.get("x"), c.intsArg("dims"), c.intArg("correction"), false);
            case "logsumexp" -> ReductionOps.logsumexp(p.get("x"), c.intsArg("dims"), false);
            case "gelu" -> c.args().get("approximate").asText().equals("tanh") ? MathOps.geluTanh(p.get("x"))
                    : MathOps.gelu(p.get("x"));
            default -> throw new IllegalArgumentException("no Java op for fixture op " + c.op());
        };
    }

    private static Pool2dParams pool(Fixtures.Case c) {
        int kernel = c.intArg("kernel"), stride = c.intArg("stride"), padding = c.intArg("padding");
        return new Pool2dParams(kernel, kernel, stride, stride, padding, padding, 1, 1, c.boolArg("ceil_mode"),
                c.boolArg("count_include_pad"));
    }
}
