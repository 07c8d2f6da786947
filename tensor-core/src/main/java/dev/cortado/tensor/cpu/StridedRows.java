package dev.cortado.tensor.cpu;

import java.util.Arrays;

/**
 * A row-major walk over a shape that tracks, for several strided tensors at once, the storage offset of
 * the current row (all dims but the last). Kernels get each row's offsets once and run a tight inner
 * loop along the row, instead of decomposing every linear position.
 *
 * <p>The walked layout is first simplified by {@link StridedLoop#coalesce} without changing the row-major
 * order of positions: size-1 dims are dropped and neighbouring dims that every tensor steps through
 * contiguously are merged. So
 * rows are as long as the layouts allow (a [B, 1] walk is one row of B, a dense walk is a single row),
 * and the per-row cost is paid as rarely as possible.
 *
 * <p>One instance per thread: {@link #walk} moves the cursor.
 */
final class StridedRows {
    /** The inner loop over columns [from, to) of the current row; row offsets come from {@link #offset}. */
    @FunctionalInterface
    interface Segment {
        void run(int from, int to);
    }

    private final int[] shape;
    private final int[] bases;
    private final int[][] strides;
    private final int[] counter;
    private final int[] offsets;
    private int row;

    /**
     * @param shape   the walked shape (any rank; a scalar walks one element)
     * @param bases   each tensor's storage offset of position (0, …, 0)
     * @param strides each tensor's strides over {@code shape}
     */
    StridedRows(int[] shape, int[] bases, int[]... strides) {
        // A scalar walks as one row of one element.
        int[] dims = shape.length == 0 ? new int[] {1} : shape.clone();
        int[][] steps = new int[strides.length][];
        for (int t = 0; t < strides.length; t++) {
            steps[t] = shape.length == 0 ? new int[] {0} : strides[t].clone();
        }
        int rank = StridedLoop.coalesce(dims, steps);
        if (rank == 0) {
            // Every size was 1: one row of one element.
            dims[0] = 1;
            for (int[] step : steps) {
                step[0] = 0;
            }
            rank = 1;
        }
        this.shape = Arrays.copyOf(dims, rank);
        this.strides = new int[strides.length][];
        for (int t = 0; t < strides.length; t++) {
            this.strides[t] = Arrays.copyOf(steps[t], rank);
        }
        this.bases = bases;
        this.counter = new int[rank];
        this.offsets = new int[bases.length];
    }

    /** Size of the last dim, the length of a row. */
    int rowLength() {
        return shape[shape.length - 1];
    }

    /** Row-major number of the current row. */
    int row() {
        return row;
    }

    /** Storage offset in tensor {@code t} of column 0 of the current row. */
    int offset(int t) {
        return offsets[t];
    }

    /** Storage distance in tensor {@code t} between neighbouring columns of a row. */
    int columnStride(int t) {
        return strides[t][shape.length - 1];
    }

    /**
     * Runs {@code segment} over the elements at row-major positions [start, end), rows in order, one call
     * per part of a row of at most {@code maxSegment} columns.
     */
    void walk(int start, int end, int maxSegment, Segment segment) {
        if (start >= end) {
            return;
        }
        int length = rowLength();
        seek(start / length);
        int position = start;
        while (position < end) {
            int from = position % length;
            int count = Math.min(length - from, Math.min(end - position, maxSegment));
            segment.run(from, from + count);
            position += count;
            if (from + count == length && position < end) {
                nextRow();
            }
        }
    }

    private void seek(int target) {
        row = target;
        int rest = target;
        for (int d = shape.length - 2; d >= 0; d--) {
            counter[d] = rest % shape[d];
            rest /= shape[d];
        }
        for (int t = 0; t < offsets.length; t++) {
            int offset = bases[t];
            for (int d = 0; d < shape.length - 1; d++) {
                offset += counter[d] * strides[t][d];
            }
            offsets[t] = offset;
        }
    }

    /** Odometer step over the row dims, adjusting every tensor's offset incrementally. */
    private void nextRow() {
        row++;
        for (int d = shape.length - 2; d >= 0; d--) {
            counter[d]++;
            if (counter[d] < shape[d]) {
                for (int t = 0; t < offsets.length; t++) {
                    offsets[t] += strides[t][d];
                }
                return;
            }
            counter[d] = 0;
            for (int t = 0; t < offsets.length; t++) {
                offsets[t] -= (shape[d] - 1) * strides[t][d];
            }
        }
    }
}
