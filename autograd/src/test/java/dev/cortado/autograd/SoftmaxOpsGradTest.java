package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference checks of softmax and log-softmax along every dim (tolerances: standard). */
class SoftmaxOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    @Test
    void alongEachDim() {
        Tensor x = Tensor.randn(1, 2, 3, 4);
        for (int dim : new int[] {0, 1, -1}) {
            CHECK.check("softmax dim " + dim, v -> SoftmaxOps.softmax(v[0], dim), x);
            CHECK.check("log_softmax dim " + dim, v -> SoftmaxOps.logSoftmax(v[0], dim), x);
        }
    }
}
