package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Result shapes, aliasing and the errors of {@link LinearAlgebra}'s products. */
class MatmulTest {
    private static void assertRejected(String expectedInMessage, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expectedInMessage),
                "message '" + e.getMessage() + "' should contain '" + expectedInMessage + "'");
    }

    @Test
    void mismatchedInnerSizeNamesBothShapes() {
        assertRejected("matmul: shapes [2, 3] and [4, 5] cannot be multiplied",
                () -> LinearAlgebra.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 5)));
        assertRejected("matmul: shapes [3] and [4] cannot be multiplied",
                () -> LinearAlgebra.matmul(Tensor.zeros(3), Tensor.zeros(4)));
    }

    @Test
    void nonBroadcastableBatchIsRejected() {
        assertRejected("matmul (batch dims of [2, 3, 4] and [3, 4, 5]): shapes [2] and [3] are not broadcastable",
                () -> LinearAlgebra.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 4, 5)));
    }

    @Test
    void wrongDtypeIsRejected() {
        Tensor longs = Tensor.fromLongs(new long[] {1, 2, 3, 4}, 2, 2);
        assertRejected("matmul: expected a FLOAT32 tensor, got INT64",
                () -> LinearAlgebra.matmul(longs, Tensor.zeros(2, 2)));
        assertRejected("matmul: expected a FLOAT32 tensor, got INT64",
                () -> LinearAlgebra.matmul(Tensor.zeros(2, 2), longs));
    }

    @Test
    void zeroDimInputIsRejected() {
        assertRejected("matmul: both arguments need at least 1 dim, got shapes [] and [3]",
                () -> LinearAlgebra.matmul(Tensor.scalar(2f), Tensor.zeros(3)));
    }

    @Test
    void mmAndBmmCheckRanks() {
        assertRejected("mm: expected two 2-D tensors, got shapes [2, 3, 4] and [4, 5]",
                () -> LinearAlgebra.mm(Tensor.zeros(2, 3, 4), Tensor.zeros(4, 5)));
        assertRejected("bmm: expected two 3-D tensors with equal batch size, got shapes [2, 3, 4] and [3, 4, 5]",
                () -> LinearAlgebra.bmm(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 4, 5)));
        assertRejected("bmm: shapes [2, 3, 4] and [2, 5, 6] cannot be multiplied",
                () -> LinearAlgebra.bmm(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 5, 6)));
    }

    @Test
    void resultShapesFollowTorchMatmul() {
        assertArrayEquals(new int[0], LinearAlgebra.matmul(Tensor.ones(4), Tensor.ones(4)).shape());
        assertArrayEquals(new int[] {3}, LinearAlgebra.matmul(Tensor.ones(3, 4), Tensor.ones(4)).shape());
        assertArrayEquals(new int[] {5}, LinearAlgebra.matmul(Tensor.ones(4), Tensor.ones(4, 5)).shape());
        assertArrayEquals(new int[] {2, 5}, LinearAlgebra.matmul(Tensor.ones(4), Tensor.ones(2, 4, 5)).shape());
        assertArrayEquals(new int[] {7, 2, 3, 5},
                LinearAlgebra.matmul(Tensor.ones(7, 1, 3, 4), Tensor.ones(2, 4, 5)).shape());
        assertArrayEquals(new int[] {3, 0}, LinearAlgebra.matmul(Tensor.ones(3, 4), Tensor.ones(4, 0)).shape());
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        Tensor y = LinearAlgebra.matmul(Tensor.ones(2, 0), Tensor.ones(0, 3));
        assertArrayEquals(new float[6], y.toFloatArray());
        assertEquals(0f, LinearAlgebra.matmul(Tensor.ones(0), Tensor.ones(0)).item());
    }

    @Test
    void inputsAreNotModified() {
        Tensor a = Tensor.randn(1, 5, 6);
        Tensor b = Tensor.randn(2, 6, 7);
        float[] aBefore = a.toFloatArray();
        float[] bBefore = b.toFloatArray();
        LinearAlgebra.matmul(a, b);
        assertArrayEquals(aBefore, a.toFloatArray());
        assertArrayEquals(bBefore, b.toFloatArray());
    }
}
