package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.cpu.CpuBackend;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The CPU indexing kernels against the reference on random shapes (rank 1–4, size-0 dims included), random
 * layouts (permuted and strided views of x, index and src) and every value dtype. Results must be
 * bit-identical: the kernels only move values, and scatter-add adds in the reference's order. A few
 * large cases cross the parallel grain so the chunked paths run.
 */
class IndexingEquivalenceTest {
    private static final int RANDOM_CASES = 150;
    /** Four threads even on a two-core machine, so the range splitting runs with several chunks. */
    private static final Backend CPU = new CpuBackend(4);

    @Test
    void gather() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < RANDOM_CASES; i++) {
            DType dtype = DType.values()[i % 3];
            int[] xShape = randomShape(random, 1 + random.nextInt(4), 5);
            checkGather(random, dtype, xShape, random.nextInt(xShape.length), "case " + i);
        }
        checkGather(random, DType.FLOAT32, new int[] {300, 200}, 0, "large dim 0");
        checkGather(random, DType.INT64, new int[] {40, 30, 50}, 2, "large last dim");
    }

    private static void checkGather(SplittableRandom random, DType dtype, int[] xShape, int dim, String what) {
        Tensor x = randomLayout(random, randomValues(random, dtype, xShape));
        int[] indexShape = new int[xShape.length];
        for (int d = 0; d < xShape.length; d++) {
            indexShape[d] = d == dim ? (xShape[d] == 0 ? 0 : random.nextInt(7)) : random.nextInt(xShape[d] + 1);
        }
        Tensor index = randomLayout(random, randomIndices(random, indexShape, xShape[dim]));
        int negativeOrNot = random.nextBoolean() ? dim : dim - xShape.length;
        assertEquivalent(() -> Indexing.gather(x, negativeOrNot, index), "gather " + what);
    }

    @Test
    void indexSelect() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < RANDOM_CASES; i++) {
            DType dtype = DType.values()[i % 3];
            // Rows of up to 12 elements: both the row-copy path (≥ 8) and the gather path run.
            int[] xShape = randomShape(random, 1 + random.nextInt(4), 12);
            checkIndexSelect(random, dtype, xShape, random.nextInt(xShape.length), "case " + i);
        }
        checkIndexSelect(random, DType.FLOAT32, new int[] {1000, 64}, 0, "embedding-sized rows");
        checkIndexSelect(random, DType.BOOL, new int[] {20, 30, 40}, 1, "large middle dim");
        checkIndexSelect(random, DType.FLOAT32, new int[] {200, 300}, 1, "large last dim");
    }

    private static void checkIndexSelect(SplittableRandom random, DType dtype, int[] xShape, int dim, String what) {
        Tensor x = randomLayout(random, randomValues(random, dtype, xShape));
        int length = xShape[dim] == 0 ? 0 : random.nextInt(Math.max(8, xShape[dim]));
        Tensor index = randomLayout(random, randomIndices(random, new int[] {length}, xShape[dim]));
        assertEquivalent(() -> Indexing.indexSelect(x, dim, index), "indexSelect " + what);
    }

    @Test
    void scatterAdd() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < RANDOM_CASES; i++) {
            int[] dstShape = randomShape(random, 1 + random.nextInt(4), 5);
            checkScatterAdd(random, dstShape, random.nextInt(dstShape.length), "case " + i);
        }
        checkScatterAdd(random, new int[] {50, 400}, 0, "large dim 0 (one fibre row per column)");
        checkScatterAdd(random, new int[] {400, 60}, 1, "large last dim");
        checkScatterAdd(random, new int[] {30000}, 0, "1-D, a single fibre");
    }

    private static void checkScatterAdd(SplittableRandom random, int[] dstShape, int dim, String what) {
        int rank = dstShape.length;
        int[] indexShape = new int[rank];
        int[] srcShape = new int[rank];
        for (int d = 0; d < rank; d++) {
            // Along dim the index may be longer than dst (repeated targets accumulate).
            indexShape[d] = d == dim ? (dstShape[d] == 0 ? 0 : random.nextInt(2 * dstShape[d] + 1))
                    : random.nextInt(dstShape[d] + 1);
            srcShape[d] = indexShape[d] + random.nextInt(2);
        }
        Tensor dst = randomLayout(random, Tensor.randn(random.nextLong(), dstShape));
        Tensor index = randomLayout(random, randomIndices(random, indexShape, dstShape[dim]));
        Tensor src = randomLayout(random, Tensor.randn(random.nextLong(), srcShape));
        assertEquivalent(() -> Indexing.scatterAdd(dst, dim, index, src), "scatterAdd " + what);
    }

    @Test
    void topk() {
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < RANDOM_CASES; i++) {
            int[] shape = randomShape(random, 1 + random.nextInt(3), 9);
            checkTopk(random, shape, random.nextInt(shape.length), "case " + i);
        }
        checkTopk(random, new int[] {64, 1000}, 1, "many long rows");
        checkTopk(random, new int[] {3, 5000}, 1, "few very long rows");
    }

    private static void checkTopk(SplittableRandom random, int[] shape, int dim, String what) {
        Tensor x = randomLayout(random, tiesAndNaNs(random, shape));
        checkTopk(x, random.nextInt(shape[dim] + 1), dim, random.nextBoolean(), what);
    }

    private static void checkTopk(Tensor x, int k, int dim, boolean largest, String what) {
        String where = what + " (k " + k + ", " + (largest ? "largest)" : "smallest)");
        assertEquivalent(() -> Indexing.topk(x, k, dim, largest, true).values(), "topk values " + where);
        assertEquivalent(() -> Indexing.topk(x, k, dim, largest, true).indices(), "topk indices " + where);
    }

    /**
     * Small k in long rows takes the CPU's heap path with its vector pre-filter: random rows with ties and
     * NaNs, and ordered rows that make the heap replace its root at every entry and fall back to sorting.
     */
    @Test
    void topkHeapPathAndItsFallback() {
        SplittableRandom random = new SplittableRandom(5);
        int n = 2003; // not a multiple of any vector width: the scalar tail runs too
        float[] ascending = new float[n];
        float[] descending = new float[n];
        float[] allNaN = new float[n];
        for (int i = 0; i < n; i++) {
            ascending[i] = i;
            descending[i] = n - i;
            allNaN[i] = Float.NaN;
        }
        for (int k : new int[] {1, 7, 31}) {
            for (boolean largest : new boolean[] {true, false}) {
                checkTopk(tiesAndNaNs(random, new int[] {6, n}), k, 1, largest, "ties and NaNs");
                checkTopk(Tensor.randn(random.nextLong(), 6, n), k, 1, largest, "distinct values");
                checkTopk(Tensor.fromArray(ascending, 1, n), k, 1, largest, "ascending row");
                checkTopk(Tensor.fromArray(descending, 1, n), k, 1, largest, "descending row");
                checkTopk(Tensor.fromArray(allNaN, 1, n), k, 1, largest, "all NaN");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertEquivalent(Supplier<Tensor> op, String what) {
        BackendCases.assertCpuMatchesReference(CPU, what, 0, 0, op);
    }

    /** Sizes in [0, maxSize], with size 0 rarer than the others. */
    private static int[] randomShape(SplittableRandom random, int rank, int maxSize) {
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(maxSize);
        }
        return shape;
    }

    private static Tensor randomValues(SplittableRandom random, DType dtype, int[] shape) {
        int n = Shapes.numel(shape);
        return switch (dtype) {
            case FLOAT32 -> Tensor.randn(random.nextLong(), shape);
            case INT64 -> Tensor.fromLongs(random.longs(n).toArray(), shape);
            case BOOL -> {
                boolean[] values = new boolean[n];
                for (int i = 0; i < n; i++) {
                    values[i] = random.nextBoolean();
                }
                yield Tensor.fromBooleans(values, shape);
            }
        };
    }

    private static Tensor randomIndices(SplittableRandom random, int[] shape, int bound) {
        long[] values = new long[Shapes.numel(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(Math.max(bound, 1));
        }
        return Tensor.fromLongs(values, shape);
    }

    /** Small integers (many ties, -0 beside +0) with a few NaNs. */
    private static Tensor tiesAndNaNs(SplittableRandom random, int[] shape) {
        float[] values = new float[Shapes.numel(shape)];
        for (int i = 0; i < values.length; i++) {
            int pick = random.nextInt(20);
            values[i] = pick == 0 ? Float.NaN : pick == 1 ? -0f : random.nextInt(-6, 7);
        }
        return Tensor.fromArray(values, shape);
    }

    /**
     * The same values in a random layout: dense, a permutation of dense storage (non-contiguous
     * strides) or every second element of a larger storage along one dim.
     */
    private static Tensor randomLayout(SplittableRandom random, Tensor dense) {
        int rank = dense.dim();
        int[] shape = dense.shape();
        switch (random.nextInt(3)) {
            case 0 -> {
                return dense;
            }
            case 1 -> {
                int[] order = new int[rank];
                for (int i = 0; i < rank; i++) {
                    order[i] = rank - 1 - i;
                }
                int[] inverse = new int[rank];
                for (int i = 0; i < rank; i++) {
                    inverse[order[i]] = i;
                }
                return dense.permute(order).contiguous().permute(inverse);
            }
            default -> {
                int d = random.nextInt(rank);
                int[] wide = shape.clone();
                wide[d] = 2 * shape[d];
                Tensor view = Tensor.empty(dense.dtype(), wide).slice(d, 0, wide[d], 2);
                return view.copyFrom(dense);
            }
        }
    }
}
