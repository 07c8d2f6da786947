package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Semantics the fixtures do not pin down (in-place behaviour, aliasing, scalars) and every error path. */
class IndexingTest {
    private static final Tensor X = Tensor.arange(0, 6, 1).reshape(2, 3);

    private static Tensor longs(int[] shape, long... values) {
        return Tensor.fromLongs(values, shape);
    }

    private static void assertMessage(Class<? extends RuntimeException> type, Executable call, String... parts) {
        RuntimeException e = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    // ------------------------------------------------------------------ scatter-add in place

    @Test
    void scatterAddInPlaceWithOneOutOfRangeIndexLeavesDstUnchanged() {
        Tensor dst = Tensor.zeros(3, 2);
        int version = dst.storage().version();
        Tensor index = longs(new int[] {3, 2}, 0, 1, 2, 0, 1, 3);
        assertMessage(IndexOutOfBoundsException.class,
                () -> Indexing.scatterAddInPlace(dst, 0, index, Tensor.ones(3, 2)), "scatterAddInPlace", "index 3",
                "size 3");
        assertSame(Tensor.zeros(3, 2), dst, "dst after the failed scatter");
        assertEquals(version, dst.storage().version(), "version after the failed scatter");
    }

    @Test
    void scatterAddInPlaceWritesThroughAViewAndBumpsTheVersion() {
        Tensor base = Tensor.zeros(2, 3);
        Tensor view = base.t();
        int version = base.storage().version();
        Tensor returned = Indexing.scatterAddInPlace(view, 0, longs(new int[] {2, 1}, 2, 2), Tensor.ones(2, 1));
        assertTrue(returned == view);
        assertArrayEquals(new float[] {0, 0, 2, 0, 0, 0}, base.toFloatArray());
        assertTrue(base.storage().version() > version);
    }

    @Test
    void scatterAddInPlaceReadsSrcThatAliasesDstBeforeWriting() {
        // dst[index[i]] += dst[i] with index = [1, 2, 0]: every read must see the original values.
        Tensor dst = Tensor.fromArray(new float[] {1, 10, 100}, 3);
        Indexing.scatterAddInPlace(dst, 0, longs(new int[] {3}, 1, 2, 0), dst);
        assertArrayEquals(new float[] {101, 11, 110}, dst.toFloatArray());
    }

    @Test
    void scatterAddInPlaceRejectsABroadcastDst() {
        Tensor broadcast = Tensor.zeros(1, 3).expand(4, 3);
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.scatterAddInPlace(broadcast, 1, longs(new int[] {1, 1}, 0), Tensor.ones(1, 1)),
                "scatterAddInPlace", "[4, 3]", "broadcast");
    }

    @Test
    void scatterAddOutOfPlaceLeavesDstUnchanged() {
        Tensor dst = Tensor.ones(2);
        Tensor out = Indexing.scatterAdd(dst, 0, longs(new int[] {3}, 1, 1, 0), Tensor.full(2f, 3));
        assertArrayEquals(new float[] {3, 5}, out.toFloatArray());
        assertArrayEquals(new float[] {1, 1}, dst.toFloatArray());
    }

    @Test
    void scatterAddRejectsBadArguments() {
        Tensor dst = Tensor.zeros(2, 3);
        Tensor index = longs(new int[] {2, 2}, 0, 1, 1, 0);
        Tensor src = Tensor.ones(2, 2);
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.scatterAdd(Tensor.empty(DType.INT64, 2, 3), 0, index, src), "scatterAdd dst", "FLOAT32");
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.scatterAdd(dst, 0, index, Tensor.empty(DType.BOOL, 2, 2)), "scatterAdd src", "BOOL");
        assertMessage(IllegalArgumentException.class, () -> Indexing.scatterAdd(dst, 0, index.to(DType.FLOAT32), src),
                "scatterAdd", "INT64");
        assertMessage(IllegalArgumentException.class, () -> Indexing.scatterAdd(dst, 2, index, src), "scatterAdd",
                "dim 2");
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.scatterAdd(dst, 0, index.reshape(4), src), "scatterAdd", "[4]", "rank");
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.scatterAdd(dst, 0, index, Tensor.ones(1, 2)), "scatterAdd", "[2, 2]", "src [1, 2]");
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.scatterAdd(Tensor.zeros(2, 1), 0, index, src), "scatterAdd", "dst [2, 1]", "dim 1");
        assertMessage(IndexOutOfBoundsException.class,
                () -> Indexing.scatterAdd(dst, 1, longs(new int[] {2, 2}, 0, 1, -1, 0), src), "scatterAdd",
                "index -1", "size 3");
    }

    // ------------------------------------------------------------------ gather, indexSelect, embedding

    @Test
    void gatherAndIndexSelectAcceptScalars() {
        Tensor scalar = Tensor.scalar(7f);
        Tensor zero = Tensor.fromLongs(new long[] {0}).reshape();
        assertSame(scalar, Indexing.gather(scalar, -1, zero), "gather of a scalar");
        assertSame(scalar, Indexing.indexSelect(scalar, 0, zero), "indexSelect of a scalar");
    }

    @Test
    void gatherRejectsBadArguments() {
        Tensor index = longs(new int[] {1, 2}, 0, 1);
        assertMessage(IllegalArgumentException.class, () -> Indexing.gather(X, 0, index.to(DType.FLOAT32)),
                "gather", "INT64", "FLOAT32");
        assertMessage(IllegalArgumentException.class, () -> Indexing.gather(X, -3, index), "gather", "dim -3");
        assertMessage(IllegalArgumentException.class, () -> Indexing.gather(X, 0, index.reshape(2)), "gather",
                "index [2]", "x [2, 3]");
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.gather(X, 1, longs(new int[] {3, 1}, 0, 0, 0)), "gather", "index [3, 1]", "dim 0");
        assertMessage(IndexOutOfBoundsException.class, () -> Indexing.gather(X, 1, longs(new int[] {1, 2}, 0, 3)),
                "gather", "index 3", "size 3", "dim 1");
        assertMessage(IndexOutOfBoundsException.class, () -> Indexing.gather(X, 0, longs(new int[] {1, 1}, -1)),
                "gather", "index -1", "size 2");
    }

    @Test
    void indexSelectRejectsBadArguments() {
        assertMessage(IllegalArgumentException.class, () -> Indexing.indexSelect(X, 0, longs(new int[] {1, 1}, 0)),
                "indexSelect", "1-D", "[1, 1]");
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.indexSelect(X, 0, Tensor.fromBooleans(new boolean[] {true}, 1)), "indexSelect", "BOOL");
        assertMessage(IllegalArgumentException.class, () -> Indexing.indexSelect(X, 2, longs(new int[] {1}, 0)),
                "indexSelect", "dim 2");
        assertMessage(IndexOutOfBoundsException.class, () -> Indexing.indexSelect(X, -1, longs(new int[] {2}, 1, 5)),
                "indexSelect", "index 5", "size 3");
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.indexSelect(Tensor.scalar(1f), 0, longs(new int[] {2}, 0, 0)), "indexSelect", "scalar");
    }

    @Test
    void embeddingRejectsBadArguments() {
        Tensor weight = Tensor.zeros(4, 2);
        assertMessage(IllegalArgumentException.class,
                () -> Indexing.embedding(Tensor.zeros(4), longs(new int[] {1}, 0)), "embedding", "2-D", "[4]");
        assertMessage(IllegalArgumentException.class, () -> Indexing.embedding(weight, Tensor.zeros(2)), "embedding",
                "INT64");
        assertMessage(IndexOutOfBoundsException.class, () -> Indexing.embedding(weight, longs(new int[] {2}, 3, 4)),
                "embedding", "index 4", "size 4");
    }

    // ------------------------------------------------------------------ oneHot

    @Test
    void oneHotOfAnEmptyTensorWithKnownClasses() {
        Tensor hot = Indexing.oneHot(Tensor.empty(DType.INT64, 0, 2), 3);
        assertArrayEquals(new int[] {0, 2, 3}, hot.shape());
        assertEquals(DType.INT64, hot.dtype());
    }

    @Test
    void oneHotRejectsBadArguments() {
        Tensor ids = longs(new int[] {3}, 0, 2, 1);
        assertMessage(IndexOutOfBoundsException.class, () -> Indexing.oneHot(ids, 2), "oneHot", "class 2", "[0, 2)");
        assertMessage(IndexOutOfBoundsException.class, () -> Indexing.oneHot(longs(new int[] {2}, 1, -1), -1),
                "oneHot", "class -1");
        assertMessage(IllegalArgumentException.class, () -> Indexing.oneHot(Tensor.empty(DType.INT64, 0), -1),
                "oneHot", "empty", "numClasses");
        assertMessage(IllegalArgumentException.class, () -> Indexing.oneHot(ids, -2), "oneHot", "-2");
        assertMessage(IllegalArgumentException.class, () -> Indexing.oneHot(Tensor.zeros(3), 3), "oneHot", "INT64");
    }

    // ------------------------------------------------------------------ topk

    @Test
    void topkAlongAnInnerDimReturnsValuesAndIndicesInPlace() {
        Tensor x = Tensor.fromArray(new float[] {1, 9, 5, 7}, 2, 2); // columns: [1, 5] and [9, 7]
        Indexing.TopK top = Indexing.topk(x, 1, 0, true, false);
        assertArrayEquals(new int[] {1, 2}, top.values().shape());
        assertArrayEquals(new float[] {5, 9}, top.values().toFloatArray());
        assertArrayEquals(new long[] {1, 0}, top.indices().toLongArray());
    }

    @Test
    void topkReadsAContiguousViewWithAnOffsetInPlace() {
        Tensor lastRows = Tensor.arange(0, 12, 1).reshape(3, 4).narrow(0, 1, 2); // offset 4, contiguous
        Indexing.TopK top = Indexing.topk(lastRows, 2);
        assertArrayEquals(new float[] {7, 6, 11, 10}, top.values().toFloatArray());
        assertArrayEquals(new long[] {3, 2, 3, 2}, top.indices().toLongArray());
    }

    @Test
    void topkOfAScalarIsTheScalar() {
        Indexing.TopK top = Indexing.topk(Tensor.scalar(3f), 1);
        assertSame(Tensor.scalar(3f), top.values(), "values");
        assertEquals(0, top.indices().dim());
        assertEquals(0L, top.indices().getLong());
    }

    @Test
    void topkRejectsBadArguments() {
        assertMessage(IllegalArgumentException.class, () -> Indexing.topk(X, 4), "topk", "k = 4", "[0, 3]", "[2, 3]");
        assertMessage(IllegalArgumentException.class, () -> Indexing.topk(X, -1), "topk", "k = -1");
        assertMessage(IllegalArgumentException.class, () -> Indexing.topk(X, 1, 2, true, true), "topk", "dim 2");
        assertMessage(IllegalArgumentException.class, () -> Indexing.topk(Tensor.empty(DType.INT64, 3), 1), "topk",
                "FLOAT32", "INT64");
    }
}
