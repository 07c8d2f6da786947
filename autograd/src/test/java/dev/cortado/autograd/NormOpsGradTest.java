package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference checks of layer norm and batch norm (tolerances: {@link GradCheck#standard()}). */
class NormOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();
    private static final float EPS = 1e-5f;

    @Test
    void layerNorm() {
        Tensor x = Tensor.randn(1, 2, 3, 4);
        CHECK.check("layer_norm affine", v -> NormOps.layerNorm(v[0], new int[] {4}, v[1], v[2], EPS),
                x, Tensor.randn(2, 4), Tensor.randn(3, 4));
        CHECK.check("layer_norm over two dims", v -> NormOps.layerNorm(v[0], new int[] {3, 4}, v[1], v[2], EPS),
                x, Tensor.randn(4, 3, 4), Tensor.randn(5, 3, 4));
        CHECK.check("layer_norm without affine", v -> NormOps.layerNorm(v[0], new int[] {4}, null, null, EPS), x);
        CHECK.check("layer_norm weight only", v -> NormOps.layerNorm(v[0], new int[] {4}, v[1], null, EPS),
                x, Tensor.randn(6, 4));
        CHECK.check("layer_norm of a single row", v -> NormOps.layerNorm(v[0], new int[] {5}, v[1], v[2], EPS),
                Tensor.randn(7, 5), Tensor.randn(8, 5), Tensor.randn(9, 5));
    }

    @Test
    void batchNormTraining() {
        Tensor x = Tensor.randn(10, 3, 2, 2, 3);
        CHECK.check("batch_norm training affine",
                v -> NormOps.batchNormTraining(v[0], v[1], v[2], EPS).output(), x, Tensor.randn(11, 2), Tensor.randn(12, 2));
        CHECK.check("batch_norm training without affine",
                v -> NormOps.batchNormTraining(v[0], null, null, EPS).output(), x);
        CHECK.check("batch_norm training [N, C]",
                v -> NormOps.batchNormTraining(v[0], v[1], v[2], EPS).output(), Tensor.randn(13, 5, 3),
                Tensor.randn(14, 3), Tensor.randn(15, 3));
    }

    @Test
    void batchNormInference() {
        Tensor mean = Tensor.randn(16, 2);
        Tensor var = TestInputs.uniform(17, 0.5f, 2f, 2);
        CHECK.check("batch_norm inference affine",
                v -> NormOps.batchNormInference(v[0], mean, var, v[1], v[2], EPS),
                Tensor.randn(18, 2, 2, 3, 2), Tensor.randn(19, 2), Tensor.randn(20, 2));
        CHECK.check("batch_norm inference without affine",
                v -> NormOps.batchNormInference(v[0], mean, var, null, null, EPS), Tensor.randn(21, 2, 2, 3, 2));
    }
}
