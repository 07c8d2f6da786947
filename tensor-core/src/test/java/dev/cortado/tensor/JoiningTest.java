package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Views versus copies in cat/split/chunk, and every error path of Joining. */
class JoiningTest {
    private static final Tensor X = Tensor.arange(0, 12, 1).reshape(3, 4);

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    // ------------------------------------------------------------------ views and copies

    @Test
    void splitAndChunkReturnViewsOfTheInput() {
        Tensor x = Tensor.arange(0, 12, 1).reshape(3, 4);
        List<Tensor> pieces = Joining.split(x, 3, 1);
        List<Tensor> chunks = Joining.chunk(x, 2, 0);
        for (Tensor piece : List.of(pieces.get(0), pieces.get(1), chunks.get(0), chunks.get(1))) {
            assertTrue(piece.storage() == x.storage(), "a piece has its own storage");
        }
        pieces.get(1).set(-1f, 2, 0); // x[2, 3]
        assertEquals(-1f, x.get(2, 3));
        assertEquals(-1f, chunks.get(1).get(0, 3));
    }

    @Test
    void aSplitSizeOrChunkCountNearIntMaxGivesOnePieceOrOneElementEach() {
        Tensor x = Tensor.arange(0, 5, 1);
        for (int size : new int[] {2, 5}) {
            List<Tensor> pieces = Joining.split(x.narrow(0, 0, size), Integer.MAX_VALUE, 0);
            assertEquals(1, pieces.size());
            assertEquals(size, pieces.get(0).numel());
            assertEquals(size, Joining.chunk(x.narrow(0, 0, size), Integer.MAX_VALUE, 0).size());
        }
    }

    @Test
    void splitWithSizesReturnsViewsAtTheRightOffsets() {
        List<Tensor> pieces = Joining.split(X, new int[] {1, 0, 2}, 0);
        assertEquals(3, pieces.size());
        assertArrayEquals(new int[] {0, 4}, pieces.get(1).shape());
        assertEquals(4, pieces.get(2).offset());
        assertTrue(pieces.get(2).storage() == X.storage());
    }

    @Test
    void catCopiesIntoFreshStorage() {
        Tensor a = Tensor.ones(2);
        Tensor joined = Joining.cat(0, a);
        assertNotSame(a.storage(), joined.storage());
        a.set(5f, 0);
        assertArrayEquals(new float[] {1, 1}, joined.toFloatArray());
    }

    @Test
    void stackOfScalarsIsAVector() {
        Tensor stacked = Joining.stack(0, Tensor.scalar(1f), Tensor.scalar(2f));
        assertArrayEquals(new float[] {1, 2}, stacked.toFloatArray());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void catRejectsBadArguments() {
        assertMessage(() -> Joining.cat(0), "cat", "at least one");
        assertMessage(() -> Joining.cat(0, Tensor.scalar(1f), Tensor.scalar(2f)), "cat", "scalar");
        assertMessage(() -> Joining.cat(2, X, X), "cat", "dim 2");
        assertMessage(() -> Joining.cat(0, X, Tensor.empty(DType.INT64, 1, 4)), "cat", "tensor 1", "INT64",
                "FLOAT32");
        assertMessage(() -> Joining.cat(0, X, Tensor.zeros(1, 5)), "cat", "tensor 1", "[1, 5]", "[3, 4]", "dim 0");
        assertMessage(() -> Joining.cat(0, X, Tensor.zeros(4)), "cat", "tensor 1", "[4]", "[3, 4]");
    }

    @Test
    void stackRejectsBadArguments() {
        assertMessage(() -> Joining.stack(0), "stack", "at least one");
        assertMessage(() -> Joining.stack(0, X, Tensor.zeros(4, 3)), "stack", "tensor 1", "[4, 3]", "[3, 4]");
        assertMessage(() -> Joining.stack(3, X, X), "stack", "dim 3");
    }

    @Test
    void splitAndChunkRejectBadArguments() {
        assertMessage(() -> Joining.split(X, 0, 1), "split", "splitSize", "0", "[3, 4]");
        assertMessage(() -> Joining.split(X, -2, 1), "split", "splitSize", "-2");
        assertMessage(() -> Joining.split(X, 2, -3), "split", "dim -3");
        assertMessage(() -> Joining.split(Tensor.scalar(1f), 1, 0), "split", "scalar");
        assertMessage(() -> Joining.split(X, new int[] {2, 3}, 1), "split", "[2, 3]", "sum to 5", "size 4");
        assertMessage(() -> Joining.split(X, new int[] {5, -1}, 1), "split", "negative", "[5, -1]");
        assertMessage(() -> Joining.chunk(X, 0, 0), "chunk", "chunks", "0");
        assertMessage(() -> Joining.chunk(Tensor.scalar(1f), 1, 0), "chunk", "scalar");
    }
}
