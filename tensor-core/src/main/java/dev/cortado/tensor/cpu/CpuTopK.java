package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Top-k of each row of a contiguous [rows, n] float32 matrix, rows spread over threads.
 *
 * <p>Every (value, column) pair is encoded as one {@code long} rank key whose natural order is the top-k
 * order (see {@link #rankKey}), so both strategies below compare primitives and no two keys tie:
 * <ul>
 *   <li><b>Bounded heap</b>, for k ≤ n / {@value #HEAP_MAX_FRACTION}: one pass keeps the k best keys seen so
 *       far in a min-heap whose root is the worst of them. A vector comparison with the root's value
 *       skips whole blocks of entries that cannot enter, so on typical rows most of the pass is SIMD
 *       loads and compares. A heap sort then orders the k survivors.</li>
 *   <li><b>Full sort</b> of the row's keys with {@link Arrays#sort(long[])} otherwise: for large k, selection
 *       saves little over a sort. The heap also falls back to it when the row's order makes it replace its
 *       root more than n / {@value #REPLACEMENT_BUDGET_FRACTION} times (an ascending row for largest, say),
 *       where each replacement costs a sift-down and a sort is cheaper.</li>
 * </ul>
 * Both return the same result: the keys are unique, so the top k are fully determined.
 */
final class CpuTopK {
    /** Row elements per parallel chunk, at least. */
    private static final int GRAIN = 16_384;
    /**
     * The heap serves k up to n / 128 (measured: at n / 32 it is no faster than the sort on random rows).
     * A row in random order makes about k·ln(n/k) replacements, at most k·ln 128 ≈ n / 26, well inside
     * the fallback budget below.
     */
    private static final int HEAP_MAX_FRACTION = 128;
    /** The heap gives up after n / 16 root replacements. */
    private static final int REPLACEMENT_BUDGET_FRACTION = 16;

    private CpuTopK() {
    }

    /** x contiguous [rows, n]; values [rows, k] and indices [rows, k] (INT64) receive the best k, best first. */
    static void topk(Parallel parallel, Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        int[] shape = x.shape();
        int rows = shape[0];
        int n = shape[1];
        if (k == 0) {
            return;
        }
        float[] data = x.floatData();
        int offset = x.offset();
        float[] valueData = values.floatData();
        long[] indexData = indices.longData();
        parallel.forRange(rows, Math.max(1, GRAIN / n), (start, end) -> {
            RowSelector selector = new RowSelector(data, n, k, largest);
            for (int r = start; r < end; r++) {
                int rowStart = offset + r * n;
                long[] best = selector.select(rowStart);
                for (int j = 0; j < k; j++) {
                    int column = columnOf(best[j]);
                    valueData[r * k + j] = data[rowStart + column];
                    indexData[r * k + j] = column;
                }
            }
        });
    }

    /** One thread's scratch space and the two selection strategies. */
    private static final class RowSelector {
        private final float[] data;
        private final int n;
        private final boolean largest;
        /** The k best keys; after {@link #select}, sorted best first. */
        private final long[] best;
        /** Keys of a whole row, for the sort strategy (allocated on first use). */
        private long[] rowKeys;

        RowSelector(float[] data, int n, int k, boolean largest) {
            this.data = data;
            this.n = n;
            this.largest = largest;
            this.best = new long[k];
        }

        /** The rank keys of the best k entries of the row starting at {@code rowStart}, best first. */
        long[] select(int rowStart) {
            boolean done = (long) best.length * HEAP_MAX_FRACTION <= n && selectWithHeap(rowStart);
            if (!done) {
                selectWithSort(rowStart);
            }
            return best;
        }

        private void selectWithSort(int rowStart) {
            if (rowKeys == null) {
                rowKeys = new long[n];
            }
            for (int c = 0; c < n; c++) {
                rowKeys[c] = rankKey(data[rowStart + c], c, largest);
            }
            Arrays.sort(rowKeys);
            for (int j = 0; j < best.length; j++) {
                best[j] = rowKeys[n - 1 - j];
            }
        }

        /** Fills {@link #best} and returns true, or returns false when the replacement budget runs out. */
        private boolean selectWithHeap(int rowStart) {
            int k = best.length;
            for (int c = 0; c < k; c++) {
                best[c] = rankKey(data[rowStart + c], c, largest);
            }
            for (int i = k / 2 - 1; i >= 0; i--) {
                siftDown(best, i, k);
            }
            int budget = n / REPLACEMENT_BUDGET_FRACTION;
            int c = k;
            float threshold = threshold(rowStart);
            for (int bound = k + Simd.FLOAT.loopBound(n - k); c < bound; c += Simd.LANES) {
                FloatVector v = FloatVector.fromArray(Simd.FLOAT, data, rowStart + c);
                long lanes = mayEnter(v, threshold).toLong();
                if (lanes == 0) {
                    continue;
                }
                for (; lanes != 0; lanes &= lanes - 1) {
                    int column = c + Long.numberOfTrailingZeros(lanes);
                    if (offer(rankKey(data[rowStart + column], column, largest)) && --budget < 0) {
                        return false;
                    }
                }
                threshold = threshold(rowStart);
            }
            for (; c < n; c++) {
                if (offer(rankKey(data[rowStart + c], c, largest)) && --budget < 0) {
                    return false;
                }
            }
            // Heap sort: swap the worst survivor behind the shrinking heap until the best is left in front.
            for (int size = k - 1; size > 0; size--) {
                long worst = best[0];
                best[0] = best[size];
                best[size] = worst;
                siftDown(best, 0, size);
            }
            return true;
        }

        /** Replaces the heap's worst key by {@code key} if key ranks better; returns whether it did. */
        private boolean offer(long key) {
            if (key <= best[0]) {
                return false;
            }
            best[0] = key;
            siftDown(best, 0, best.length);
            return true;
        }

        /**
         * The root's value, adjusted so that {@link #mayEnter} has no false negatives: when smallest
         * entries are wanted and the root is NaN, every number beats it, so the threshold becomes +∞.
         */
        private float threshold(int rowStart) {
            float root = data[rowStart + columnOf(best[0])];
            return !largest && Float.isNaN(root) ? Float.POSITIVE_INFINITY : root;
        }

        /**
         * Lanes that might beat the root (a superset: ties with the root and NaNs behind a NaN root are
         * included and rejected by {@link #offer}). A later column never wins a tie, so only strictly
         * better values matter: for largest, greater or NaN; for smallest, not greater (NaN compares false).
         */
        private VectorMask<Float> mayEnter(FloatVector v, float threshold) {
            return largest
                    ? v.compare(VectorOperators.GT, threshold).or(v.test(VectorOperators.IS_NAN))
                    : v.compare(VectorOperators.LE, threshold);
        }
    }

    /** Restores the min-heap property below position i of heap[0, size). */
    private static void siftDown(long[] heap, int i, int size) {
        long item = heap[i];
        int hole = i;
        while (true) {
            int child = 2 * hole + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= item) {
                break;
            }
            heap[hole] = heap[child];
            hole = child;
        }
        heap[hole] = item;
    }

    /**
     * A long that is larger exactly when (value, column) ranks better in top-k order: the high 32 bits
     * order the values, the low 32 bits break ties toward the lower column.
     *
     * <p>Value part: {@code v + 0f} turns -0 into +0 (they tie), and floatToIntBits maps every NaN to the
     * one canonical NaN, whose bits exceed +∞'s. Flipping the magnitude bits of negative floats then makes
     * signed-int order equal float order, with NaN above everything as torch.topk ranks it. For smallest,
     * the bitwise complement reverses that order. Column part: {@code ~column} as an unsigned 32-bit value
     * is larger for lower columns, and with equal high halves signed long order is unsigned low-half order.
     */
    static long rankKey(float value, int column, boolean largest) {
        int bits = Float.floatToIntBits(value + 0f);
        int ordered = bits ^ ((bits >> 31) & 0x7fff_ffff);
        int key = largest ? ordered : ~ordered;
        return ((long) key << 32) | (~column & 0xffff_ffffL);
    }

    private static int columnOf(long rankKey) {
        return ~(int) rankKey;
    }
}
