package dev.cortado.tensor;

import static dev.cortado.tensor.TensorTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Bad arguments to elementwise ops, reductions, softmax and layer norm fail loudly and name what is wrong. */
class ElementwiseBadInputTest {
    private final Tensor x = Tensor.randn(1, 2, 3);
    private final Tensor ids = Tensor.fromLongs(new long[] {1, 2}, 2);

    @Test
    void elementwise() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Elementwise.add(x, Tensor.zeros(4))),
                "add", "[2, 3]", "[4]", "not broadcastable");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Elementwise.exp(ids)), "exp", "INT64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Elementwise.mul(x, ids)), "mul", "INT64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Elementwise.lt(x, ids)), "lt", "FLOAT32",
                "INT64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Elementwise.clamp(x, 2, 1)), "clamp");
        Tensor mask = Elementwise.gt(x, Tensor.scalar(0));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Elementwise.where(x, x, x)), "where",
                "BOOL");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Elementwise.where(mask, x, ids)), "where");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Elementwise.maskedFill(Tensor.zeros(3), mask, 1f)), "masked_fill", "[2, 3]", "[3]");
    }

    @Test
    void reductions() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Reductions.sum(x, new int[] {2}, false)),
                "sum", "dim 2", "rank 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Reductions.sum(x, new int[] {1, -1}, false)),
                "sum", "twice");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Reductions.max(Tensor.zeros(3, 0),
                new int[] {1}, false)), "max", "zero-size", "[3, 0]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Reductions.argmax(Tensor.zeros(0))),
                "argmax", "zero-size");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Reductions.var(x, new int[] {0}, -1, false)),
                "var", "correction");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Reductions.mean(ids)), "mean", "INT64");
    }

    @Test
    void softmaxAndLayerNorm() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Softmax.softmax(x, 2)), "softmax", "dim 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Softmax.logSoftmax(ids, 0)), "log_softmax",
                "INT64");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.layerNorm(x, new int[] {2}, null, null, 1e-5f)), "layer_norm", "[2]", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.layerNorm(x, new int[] {3}, Tensor.ones(4), null, 1e-5f)), "layer_norm", "weight",
                "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.layerNorm(x, new int[] {3}, null, null, -1f)), "layer_norm", "eps");
    }

    @Test
    void layerNormBackward() {
        Tensor input = Tensor.randn(2, 2, 6);
        Tensor g = Tensor.randn(3, 2, 6);
        LayerNorm.Result forward = LayerNorm.layerNormWithStats(input, new int[] {6}, null, null, 1e-5f);
        Tensor mean = forward.mean();
        Tensor rstd = forward.rstd();
        // [4] is no suffix of [2, 6], though 12 elements split into 3 rows of 4 would have run.
        assertMessage(assertThrows(IllegalArgumentException.class, () -> LayerNorm.layerNormBackward(input,
                new int[] {4}, null, Tensor.zeros(3), Tensor.zeros(3), g, true, true)), "layer_norm backward",
                "[4]", "[2, 6]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> LayerNorm.layerNormBackward(input,
                new int[] {6}, Tensor.ones(2, 3), mean, rstd, g, true, true)), "layer_norm backward", "weight",
                "[2, 3]", "[6]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> LayerNorm.layerNormBackward(input,
                new int[] {6}, Tensor.empty(DType.INT64, 6), mean, rstd, g, true, true)), "layer_norm backward",
                "weight", "INT64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> LayerNorm.layerNormBackward(input,
                new int[] {6}, null, mean.to(DType.INT64), rstd, g, true, true)), "layer_norm backward", "mean",
                "INT64");
    }
}
