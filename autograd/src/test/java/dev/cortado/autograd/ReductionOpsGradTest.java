package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference checks of the reductions (tolerances: {@link GradCheck#standard()}). */
class ReductionOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    @Test
    void sumAndMean() {
        Tensor x = Tensor.randn(1, 2, 3, 4);
        CHECK.check("sum all", v -> ReductionOps.sum(v[0]), x);
        CHECK.check("sum dims 0,2", v -> ReductionOps.sum(v[0], new int[] {0, 2}, false), x);
        CHECK.check("sum dim -1 keepDim", v -> ReductionOps.sum(v[0], new int[] {-1}, true), x);
        CHECK.check("mean all", v -> ReductionOps.mean(v[0]), x);
        CHECK.check("mean dim 1", v -> ReductionOps.mean(v[0], new int[] {1}, false), x);
        CHECK.check("mean dims -1,0 keepDim", v -> ReductionOps.mean(v[0], new int[] {-1, 0}, true), x);
    }

    @Test
    void variance() {
        Tensor x = Tensor.randn(2, 3, 5);
        CHECK.check("var unbiased dim 1", v -> ReductionOps.var(v[0], new int[] {1}, 1, false), x);
        CHECK.check("var population dims 0,1 keepDim", v -> ReductionOps.var(v[0], new int[] {0, 1}, 0, true), x);
        CHECK.check("var all", v -> ReductionOps.var(v[0], new int[0], 1, false), x);
    }

    @Test
    void extremaAndLogSumExp() {
        Tensor x = TestInputs.distinct(3, 4, 5);
        CHECK.check("max dim 1", v -> ReductionOps.max(v[0], new int[] {1}, false), x);
        CHECK.check("max all keepDim", v -> ReductionOps.max(v[0], new int[0], true), x);
        CHECK.check("min dims 0,-1", v -> ReductionOps.min(v[0], new int[] {0, -1}, false), x);
        Tensor y = Tensor.randn(3, 3, 4, 5);
        CHECK.check("logsumexp dim -1", v -> ReductionOps.logsumexp(v[0], new int[] {-1}, false), y);
        CHECK.check("logsumexp dims 0,1 keepDim", v -> ReductionOps.logsumexp(v[0], new int[] {0, 1}, true), y);
    }
}
