package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Pool2dParams;
import org.junit.jupiter.api.Test;

/**
 * Central-difference checks of pooling (tolerances: {@link GradCheck#standard()}). Max-pool inputs are
 * distinct values 0.05 apart, so no window's winner changes within the step.
 */
class PoolOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    private static Pool2dParams window(int kernel, int stride, int padding, int dilation, boolean ceil,
                                       boolean countIncludePad) {
        return new Pool2dParams(kernel, kernel, stride, stride, padding, padding, dilation, dilation, ceil,
                countIncludePad);
    }

    @Test
    void maxPool() {
        Tensor x = TestInputs.distinct(2, 2, 6, 7);
        CHECK.check("max_pool2d 2x2 stride 2", v -> PoolOps.maxPool2d(v[0], window(2, 2, 0, 1, false, true)), x);
        CHECK.check("max_pool2d 3x3 stride 2 pad 1 (overlapping)",
                v -> PoolOps.maxPool2d(v[0], window(3, 2, 1, 1, false, true)), x);
        CHECK.check("max_pool2d 3x3 stride 1 ceil", v -> PoolOps.maxPool2d(v[0], window(3, 1, 0, 1, true, true)), x);
        CHECK.check("max_pool2d dilation 2", v -> PoolOps.maxPool2d(v[0], window(2, 1, 1, 2, false, true)), x);
        CHECK.check("max_pool2d unbatched", v -> PoolOps.maxPool2d(v[0], window(2, 2, 0, 1, true, true)),
                TestInputs.distinct(3, 5, 5));
    }

    @Test
    void avgPool() {
        Tensor x = Tensor.randn(1, 2, 2, 7, 6);
        CHECK.check("avg_pool2d 2x2 stride 2", v -> PoolOps.avgPool2d(v[0], window(2, 2, 0, 1, false, true)), x);
        CHECK.check("avg_pool2d 3x3 stride 2 pad 1", v -> PoolOps.avgPool2d(v[0], window(3, 2, 1, 1, false, true)), x);
        CHECK.check("avg_pool2d pad 1 exclude pad", v -> PoolOps.avgPool2d(v[0], window(3, 2, 1, 1, false, false)), x);
        CHECK.check("avg_pool2d ceil", v -> PoolOps.avgPool2d(v[0], window(3, 2, 1, 1, true, true)), x);
        CHECK.check("avg_pool2d ceil exclude pad", v -> PoolOps.avgPool2d(v[0], window(2, 2, 1, 1, true, false)), x);
    }

    @Test
    void adaptiveAvgPool() {
        Tensor x = Tensor.randn(2, 2, 2, 7, 5);
        CHECK.check("adaptive_avg_pool2d to 1x1", v -> PoolOps.adaptiveAvgPool2d(v[0], 1, 1), x);
        CHECK.check("adaptive_avg_pool2d to 3x2 (overlapping)", v -> PoolOps.adaptiveAvgPool2d(v[0], 3, 2), x);
        CHECK.check("adaptive_avg_pool2d upsampling 9x6", v -> PoolOps.adaptiveAvgPool2d(v[0], 9, 6), x);
    }
}
