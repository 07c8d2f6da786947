package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Factories, views and copies: views share storage, copies do not, and every layout reads back right. */
class TensorTest {
    private static Tensor iota(int... shape) {
        return Tensor.arange(0, Shapes.numel(shape), 1).reshape(shape);
    }

    @Test
    void factories() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).toFloatArray());
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).toFloatArray());
        assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7, 3).toFloatArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5f).toFloatArray());
        assertArrayEquals(new float[] {5, 3}, Tensor.arange(5, 1, -2).toFloatArray());
        assertEquals(0, Tensor.arange(3, 3, 1).numel());
        assertEquals(0, Tensor.scalar(4).dim());
        assertEquals(4f, Tensor.scalar(4).item());
        assertArrayEquals(new int[] {2, 0, 3}, Tensor.zeros(2, 0, 3).shape());
    }

    @Test
    void seededRandomnessIsReproducibleAndDistributedAsDocumented() {
        assertArrayEquals(Tensor.randn(42, 1000).toFloatArray(), Tensor.randn(42, 1000).toFloatArray());
        assertFalse(java.util.Arrays.equals(Tensor.randn(42, 10).toFloatArray(), Tensor.randn(43, 10).toFloatArray()));
        float[] normal = Tensor.randn(7, 100_001).toFloatArray();
        double mean = 0;
        double squares = 0;
        for (float v : normal) {
            mean += v;
            squares += (double) v * v;
        }
        mean /= normal.length;
        double variance = squares / normal.length - mean * mean;
        assertEquals(0, mean, 0.01);
        assertEquals(1, variance, 0.02);
        for (float v : Tensor.rand(9, 10_000).toFloatArray()) {
            assertTrue(v >= 0 && v < 1, "rand value " + v);
        }
    }

    @Test
    void reshapeIsAViewWhenStridesAllowAndACopyOtherwise() {
        Tensor x = iota(2, 3, 4);
        Tensor viewed = x.reshape(6, -1);
        assertArrayEquals(new int[] {6, 4}, viewed.shape());
        assertSame(x.storage(), viewed.storage());
        assertSame(x.storage(), x.reshape(2, 1, 12).storage());
        assertSame(x.storage(), x.permute(1, 0, 2).reshape(3, 2, 2, 2).storage(), "splitting a dim is a view");
        Tensor transposed = x.transpose(1, 2);
        Tensor flattened = transposed.reshape(-1);
        assertNotSame(x.storage(), flattened.storage());
        assertEquals(transposed.get(1, 3, 2), flattened.get(1 * 12 + 3 * 3 + 2));
        assertThrows(IllegalArgumentException.class, () -> transposed.view(24));
        assertSame(x.storage(), x.slice(2, 0, 4, 2).reshape(2, 3, 2, 1).storage());
    }

    @Test
    void permuteTransposeAndSliceReadTheRightElements() {
        Tensor x = iota(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(x.get(1, 2, 3), p.get(3, 1, 2));
        assertFalse(p.isContiguous());
        Tensor s = x.slice(2, 1, 4, 2);
        assertArrayEquals(new int[] {2, 3, 2}, s.shape());
        assertEquals(x.get(1, 1, 3), s.get(1, 1, 1));
        assertArrayEquals(new float[] {1, 3, 5, 7}, iota(8).slice(0, -7, 100, 2).toFloatArray());
        assertEquals(0, iota(8).slice(0, 5, 2, 1).numel());
        assertArrayEquals(new float[] {4, 5, 6, 7}, iota(2, 4).select(0, 1).toFloatArray());
        assertArrayEquals(new float[] {2, 3}, iota(5).narrow(0, 2, 2).toFloatArray());
        assertArrayEquals(new float[] {1}, iota(5).slice(0, 1, 5, Integer.MAX_VALUE).toFloatArray(),
                "a step past the end still takes the first element");
    }

    @Test
    void dimOpsOnAScalarAreRejectedAndTransposeIsTheScalar() {
        Tensor s = Tensor.scalar(2);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.size(0)), "size", "0-d");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.stride(-1)), "stride", "0-d");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.slice(0, 0, 1, 1)), "slice", "0-d");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.narrow(0, 0, 1)), "narrow", "0-d");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.select(0, 0)), "select", "0-d");
        assertSame(s, s.transpose(0, -1));
    }

    @Test
    void expandSqueezeUnsqueeze() {
        Tensor column = iota(3, 1);
        Tensor e = column.expand(2, 3, 4);
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertEquals(2f, e.get(1, 2, 3));
        assertSame(column.storage(), e.storage());
        assertArrayEquals(new int[] {2, 3, 4}, column.broadcastTo(2, -1, 4).shape());
        assertArrayEquals(new int[] {3}, iota(1, 3, 1).squeeze().shape());
        assertArrayEquals(new int[] {3, 1}, iota(1, 3, 1).squeeze(0).shape());
        assertArrayEquals(new int[] {1, 3, 1}, iota(1, 3, 1).squeeze(1).shape(), "non-1 dims stay");
        assertArrayEquals(new int[] {3, 1, 4}, iota(3, 4).unsqueeze(1).shape());
        assertArrayEquals(new int[] {3, 4, 1}, iota(3, 4).unsqueeze(-1).shape());
        assertEquals(iota(3, 4).get(2, 1), iota(3, 4).unsqueeze(0).get(0, 2, 1));
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor x = iota(3, 4);
        assertSame(x, x.contiguous());
        Tensor t = x.t().contiguous();
        assertTrue(t.isContiguous());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t.toFloatArray());
        Tensor target = Tensor.zeros(2, 3);
        target.copyFrom(Tensor.fromArray(new float[] {1, 2, 3}, 3));
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, target.toFloatArray());
        assertEquals(1, target.storage().version());
    }

    @Test
    void copyFromReadsAnOverlappingSourceBeforeWritingAndRefusesBadTargets() {
        Tensor x = iota(8);
        x.slice(0, 2, 8, 2).copyFrom(x.slice(0, 0, 6, 2));
        assertArrayEquals(new float[] {0, 1, 0, 3, 2, 5, 4, 7}, x.toFloatArray());
        Tensor square = iota(2, 2);
        square.copyFrom(square.t());
        assertArrayEquals(new float[] {0, 2, 1, 3}, square.toFloatArray());

        Tensor row = Tensor.zeros(1, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> row.expand(2, 3).copyFrom(iota(2, 3))),
                "copyFrom", "[2, 3]", "broadcast view");
        Tensor target = Tensor.zeros(2, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> target.copyFrom(iota(4))), "copyFrom",
                "[4]", "[2, 3]");
        assertArrayEquals(new float[3], row.toFloatArray());
        assertArrayEquals(new float[6], target.toFloatArray());
    }

    @Test
    void dtypesConvertLikePyTorch() {
        Tensor x = Tensor.fromArray(new float[] {-1.7f, 0f, 2.9f, Float.NaN}, 4);
        assertArrayEquals(new long[] {-1, 0, 2, 0}, x.to(DType.INT64).toLongArray());
        assertArrayEquals(new boolean[] {true, false, true, true}, x.to(DType.BOOL).toBooleanArray());
        Tensor ids = Tensor.fromLongs(new long[] {3, -2}, 2);
        assertArrayEquals(new float[] {3, -2}, ids.to(DType.FLOAT32).toFloatArray());
        assertEquals(3L, ids.getLong(0));
    }

    @Test
    void badViewsAndFactoriesAreRejectedWithTheShapeInTheMessage() {
        Tensor x = iota(2, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2)), "reshape", "[4, 2]", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1)), "reshape");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0)), "permute");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.permute(0)), "permute", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.transpose(0, 2)), "transpose", "dim 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.expand(4, 3)), "expand", "[2, 3]", "[4, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.slice(1, 0, 2, 0)), "slice", "step");
        assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(1, 2, 2));
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(1, 1, Integer.MAX_VALUE)),
                "narrow", "2147483647", "[2, 3]");
        assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1)), "negative");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new float[5], 2, 3)),
                "fromArray", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0)), "arange");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536)), "2^31");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.item()), "item", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.longData()), "INT64", "FLOAT32");
    }

    static void assertMessage(Throwable error, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment),
                    "message '" + error.getMessage() + "' should mention '" + fragment + "'");
        }
    }
}
