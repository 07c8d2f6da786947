package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference checks of matmul in every rank combination and of linear (tolerances: standard). */
class LinalgOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    private static void matmul(String what, int[] a, int[] b) {
        CHECK.check("matmul " + what, v -> LinalgOps.matmul(v[0], v[1]), Tensor.randn(1, a), Tensor.randn(2, b));
    }

    @Test
    void matmulRanks() {
        matmul("vector·vector", new int[] {4}, new int[] {4});
        matmul("vector·matrix", new int[] {3}, new int[] {3, 5});
        matmul("matrix·vector", new int[] {2, 3}, new int[] {3});
        matmul("matrix·matrix", new int[] {2, 3}, new int[] {3, 4});
        matmul("vector·batch", new int[] {3}, new int[] {2, 3, 4});
        matmul("batch·vector", new int[] {2, 4, 3}, new int[] {3});
    }

    @Test
    void matmulBatches() {
        matmul("batched", new int[] {2, 3, 4}, new int[] {2, 4, 2});
        matmul("batch·shared matrix", new int[] {2, 3, 4}, new int[] {4, 2});
        matmul("shared matrix·batch", new int[] {3, 4}, new int[] {2, 4, 2});
        matmul("broadcast batch dims", new int[] {2, 1, 3, 4}, new int[] {3, 4, 2});
        matmul("broadcast size-1 batch on both", new int[] {1, 2, 2, 3}, new int[] {3, 1, 3, 2});
    }

    @Test
    void linear() {
        CHECK.check("linear with bias", v -> LinalgOps.linear(v[0], v[1], v[2]),
                Tensor.randn(3, 2, 3, 4), Tensor.randn(4, 5, 4), Tensor.randn(5, 5));
        CHECK.check("linear without bias", v -> LinalgOps.linear(v[0], v[1], null),
                Tensor.randn(6, 3, 4), Tensor.randn(7, 2, 4));
        CHECK.check("linear of a vector", v -> LinalgOps.linear(v[0], v[1], v[2]),
                Tensor.randn(8, 4), Tensor.randn(9, 3, 4), Tensor.randn(10, 3));
    }
}
