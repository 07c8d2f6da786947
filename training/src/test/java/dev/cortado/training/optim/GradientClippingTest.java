package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Global-norm clipping against torch.nn.utils.clip_grad_norm_ (tools/reference/gen_clipping.py). */
class GradientClippingTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("clipping.json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c) {
        List<Variable> parameters = new ArrayList<>();
        for (int i = 0; i < c.intArg("count"); i++) {
            Tensor grad = c.input("grad" + i);
            Variable p = Variable.parameter(Tensor.zeros(grad.shape()));
            p.setGrad(grad.copy());
            parameters.add(p);
        }
        double norm = GradientClipping.clipGlobalNorm(parameters, c.doubleArg("max_norm"));
        // PyTorch sums in float32, we in double: a relative difference of a few float32 ulps.
        assertEquals(c.output("total_norm").item(), norm, 1e-5 * norm, c.name() + " total norm");
        for (int i = 0; i < parameters.size(); i++) {
            assertClose(c.output("clipped" + i), parameters.get(i).grad(), 1e-6, 1e-5, c.name() + " grad " + i);
        }
    }

    @Test
    void skipsMissingGradientsAndReportsNonFiniteNormWithoutScaling() {
        Variable none = Variable.parameter(Tensor.zeros(2));
        Variable bad = Variable.parameter(Tensor.zeros(2));
        Tensor nan = Tensor.fromArray(new float[]{Float.NaN, 1f}, 2);
        bad.setGrad(nan);
        double norm = GradientClipping.clipGlobalNorm(List.of(none, bad), 1.0);
        assertTrue(Double.isNaN(norm));
        assertNull(none.grad());
        assertSame(nan, bad.grad());
    }

    @Test
    void rejectsNonPositiveMaxNorm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.clipGlobalNorm(List.of(), 0));
        assertTrue(e.getMessage().contains("max norm"), e.getMessage());
    }
}
