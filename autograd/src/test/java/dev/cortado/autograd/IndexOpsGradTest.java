package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference checks of the lookups, with repeated indices (tolerances: standard). */
class IndexOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    @Test
    void gather() {
        Tensor x = Tensor.randn(1, 3, 4);
        Tensor rows = Tensor.fromLongs(new long[] {2, 0, 2, 1, 1, 1}, 2, 3);
        CHECK.check("gather dim 0, smaller index", v -> IndexOps.gather(v[0], 0, rows), x);
        Tensor cols = Tensor.fromLongs(new long[] {3, 3, 0, 1, 2, 2, 0, 0, 1, 3, 3, 3}, 3, 4);
        CHECK.check("gather dim -1", v -> IndexOps.gather(v[0], -1, cols), x);
    }

    @Test
    void indexSelect() {
        Tensor x = Tensor.randn(2, 3, 4, 2);
        Tensor index = Tensor.fromLongs(new long[] {1, 0, 1, 3, 1}, 5);
        CHECK.check("index_select dim 1", v -> IndexOps.indexSelect(v[0], 1, index), x);
        Tensor first = Tensor.fromLongs(new long[] {2, 2}, 2);
        CHECK.check("index_select dim 0", v -> IndexOps.indexSelect(v[0], 0, first), x);
        CHECK.check("index_select dim -1", v -> IndexOps.indexSelect(v[0], -1, Tensor.fromLongs(new long[] {1, 1, 0}, 3)), x);
    }

    @Test
    void embedding() {
        Tensor ids = Tensor.fromLongs(new long[] {4, 0, 4, 2, 4, 1}, 2, 3);
        CHECK.check("embedding", v -> IndexOps.embedding(v[0], ids), Tensor.randn(3, 5, 3));
        CHECK.check("embedding of a scalar id", v -> IndexOps.embedding(v[0], Tensor.fromLongs(new long[] {2})),
                Tensor.randn(4, 5, 3));
    }
}
