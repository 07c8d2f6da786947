package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;

/**
 * Walks several same-shaped strided tensors together as a sequence of 1-D rows, so an elementwise kernel
 * only ever sees {@code (length, offsets[], strides[])} and can pick a vector loop when the strides are 1
 * (or 0 for a broadcast operand).
 *
 * <p>Dims are first coalesced: size-1 dims vanish and neighbouring dims merge when every operand is
 * contiguous across them, so a dense tensor of any rank becomes one long row. The rows (and, when there
 * are few long rows, column blocks of them) are split over the thread pool.
 */
final class StridedLoop {
    /** Processes one row: element j of operand t is at {@code offsets[t] + j·strides[t]}. */
    @FunctionalInterface
    interface RowKernel {
        void row(int length, int[] offsets, int[] strides);
    }

    /** Below this many elements an op runs on the calling thread only. */
    private static final int PARALLEL_THRESHOLD = 1 << 15;
    /** Column blocks are at least this long, so each work item amortises its setup. */
    private static final int MIN_BLOCK = 1 << 12;

    private StridedLoop() {
    }

    /** Runs {@code kernel} over all elements of {@code operands}, which must share one shape. */
    static void run(Parallel parallel, RowKernel kernel, Tensor... operands) {
        int count = operands.length;
        int[] shape = operands[0].shape();
        int[][] strides = new int[count][];
        int[] offsets = new int[count];
        for (int t = 0; t < count; t++) {
            strides[t] = operands[t].strides();
            offsets[t] = operands[t].offset();
        }
        int rank = coalesce(shape, strides);
        int total = 1;
        for (int d = 0; d < rank; d++) {
            total *= shape[d];
        }
        if (total == 0) {
            return;
        }
        int inner = rank == 0 ? 1 : shape[rank - 1];
        int rows = total / inner;
        int threads = parallel == null || total < PARALLEL_THRESHOLD ? 1 : parallel.threads();
        // Few long rows: cut each row into blocks so every thread gets work.
        int blocksPerRow = rows >= 4 * threads ? 1 : Math.max(1, Math.min(inner / MIN_BLOCK, 4 * threads / rows));
        int blockLength = (inner + blocksPerRow - 1) / blocksPerRow;
        int items = rows * blocksPerRow;
        int finalRank = rank;
        Parallel.RangeTask task = (start, end) -> {
            int outerRank = Math.max(0, finalRank - 1);
            int[] rowIndex = new int[outerRank];
            int[] rowBase = new int[count];
            int[] rowOffsets = new int[count];
            int[] innerStrides = new int[count];
            for (int t = 0; t < count; t++) {
                innerStrides[t] = finalRank == 0 ? 0 : strides[t][finalRank - 1];
            }
            int currentRow = start / blocksPerRow;
            rowStart(currentRow, shape, strides, offsets, rowIndex, rowBase);
            for (int item = start; item < end; item++) {
                int row = item / blocksPerRow;
                if (row != currentRow) {
                    nextRow(shape, strides, rowIndex, rowBase);
                    currentRow = row;
                }
                int column = (item % blocksPerRow) * blockLength;
                int length = Math.min(blockLength, inner - column);
                for (int t = 0; t < count; t++) {
                    rowOffsets[t] = rowBase[t] + column * innerStrides[t];
                }
                kernel.row(length, rowOffsets, innerStrides);
            }
        };
        if (threads == 1) {
            task.run(0, items);
        } else {
            parallel.forRange(items, 1, task);
        }
    }

    /**
     * Sets {@code index} (one entry per outer dim) to the position of row {@code row} and {@code base} to the
     * operands' offsets of its first element.
     */
    private static void rowStart(int row, int[] shape, int[][] strides, int[] offsets, int[] index, int[] base) {
        System.arraycopy(offsets, 0, base, 0, offsets.length);
        for (int d = index.length - 1; d >= 0; d--) {
            index[d] = row % shape[d];
            row /= shape[d];
            for (int t = 0; t < base.length; t++) {
                base[t] += index[d] * strides[t][d];
            }
        }
    }

    /** Moves {@code index} and {@code base} on to the next row, odometer-style (no divisions per row). */
    private static void nextRow(int[] shape, int[][] strides, int[] index, int[] base) {
        for (int d = index.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                for (int t = 0; t < base.length; t++) {
                    base[t] += strides[t][d];
                }
                return;
            }
            index[d] = 0;
            for (int t = 0; t < base.length; t++) {
                base[t] -= (shape[d] - 1) * strides[t][d];
            }
        }
    }

    /**
     * Rewrites shape and strides in place to an equivalent layout with the fewest dims; returns the new
     * rank (entries past it are garbage). A zero-size tensor keeps one dim of size 0.
     */
    static int coalesce(int[] shape, int[][] strides) {
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                shape[0] = 0;
                return 1;
            }
            if (shape[d] == 1) {
                continue;
            }
            if (rank > 0 && mergeable(shape, strides, rank - 1, d)) {
                shape[rank - 1] *= shape[d];
                for (int[] s : strides) {
                    s[rank - 1] = s[d];
                }
                continue;
            }
            shape[rank] = shape[d];
            for (int[] s : strides) {
                s[rank] = s[d];
            }
            rank++;
        }
        return rank;
    }

    /** True when dim {@code outer} steps over exactly one full run of dim {@code d} in every operand. */
    private static boolean mergeable(int[] shape, int[][] strides, int outer, int d) {
        for (int[] s : strides) {
            if (s[outer] != s[d] * shape[d]) {
                return false;
            }
        }
        return true;
    }
}
