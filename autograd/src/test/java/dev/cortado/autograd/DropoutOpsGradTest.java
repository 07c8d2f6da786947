package dev.cortado.autograd;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference check of dropout with a fixed seed (the same mask on every evaluation; standard tolerances). */
class DropoutOpsGradTest {
    @Test
    void seededMaskScalesTheGradient() {
        GradCheck.standard().check("dropout p=0.3 seed 42", v -> DropoutOps.dropout(v[0], 0.3f, 42), Tensor.randn(1, 4, 5));
        GradCheck.standard().check("dropout p=0.75 seed 7", v -> DropoutOps.dropout(v[0], 0.75f, 7), Tensor.randn(2, 3, 6));
    }

    @Test
    void zeroProbabilityIsIdentity() {
        Variable x = Variable.parameter(Tensor.randn(3, 2, 2));
        assertSame(x, DropoutOps.dropout(x, 0f, 1));
    }
}
