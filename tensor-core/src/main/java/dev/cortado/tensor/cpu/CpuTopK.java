package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;

/**
 * Top-k of each row by a bounded heap: one pass over the row keeps the k best entries seen so far in a
 * min-heap whose root is the worst of them, so most entries cost one comparison with the root and the
 * whole row costs O(n log k) at worst instead of a full O(n log n) sort. A heap sort of the k survivors
 * then orders them best first.
 *
 * <p>Every (value, column) pair is encoded as one {@code long} rank key whose natural order is the top-k
 * order, so the heap compares primitives and ties cannot occur (see {@link #rankKey}).
 */
final class CpuTopK {
    /** Row elements per parallel chunk, at least. */
    private static final int GRAIN = 16_384;

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
            long[] heap = new long[k];
            for (int r = start; r < end; r++) {
                int rowStart = offset + r * n;
                selectBest(data, rowStart, n, largest, heap);
                for (int j = 0; j < k; j++) {
                    int column = columnOf(heap[j]);
                    valueData[r * k + j] = data[rowStart + column];
                    indexData[r * k + j] = column;
                }
            }
        });
    }

    /** Leaves in {@code heap} (length k ≤ n) the rank keys of the row's k best entries, best first. */
    private static void selectBest(float[] data, int rowStart, int n, boolean largest, long[] heap) {
        int k = heap.length;
        for (int c = 0; c < k; c++) {
            heap[c] = rankKey(data[rowStart + c], c, largest);
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, k);
        }
        for (int c = k; c < n; c++) {
            long key = rankKey(data[rowStart + c], c, largest);
            if (key > heap[0]) {
                heap[0] = key;
                siftDown(heap, 0, k);
            }
        }
        // Heap sort: swap the worst survivor behind the shrinking heap until the best is left in front.
        for (int size = k - 1; size > 0; size--) {
            long worst = heap[0];
            heap[0] = heap[size];
            heap[size] = worst;
            siftDown(heap, 0, size);
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
