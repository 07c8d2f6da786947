package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Conv2dParams;
import java.util.Arrays;

/**
 * Convolution and its gradients as GEMMs over patch matrices ({@link Im2col}). For sample n and group g,
 * with {@code W_g} the group's weight rows {@code [Og, K]} ({@code K = Cg·KH·KW}) and {@code X_n} the
 * sample's patch matrix {@code [K, P]} ({@code P = OH·OW}):
 * <pre>
 *   forward       Y[n, g] = W_g · X_n + bias
 *   input grad   dX[n, g] = col2im(W_gᵀ · dY[n, g])
 *   weight grad      dW_g = Σ_n dY[n, g] · X_nᵀ
 * </pre>
 * A pointwise convolution (1×1, stride 1, no padding) uses the input plane itself as {@code X_n}.
 *
 * <p>Each op is cut into independent items (sample × group × a tile of positions or of channels), each
 * with a patch tile of bounded size. With at least one item per thread the items are spread over the
 * threads and every GEMM runs single-threaded; otherwise the items run in turn and each GEMM uses all
 * threads.
 */
final class CpuConvolution {
    /** Floats in one patch tile (1 MiB): long rows for the GEMM while the tile stays within a core's L2. */
    private static final int TILE_FLOATS = 1 << 18;
    /** Shortest position tile made when tiles are shortened only to give every thread work. */
    private static final int MIN_TILE_POSITIONS = 64;
    /** Items per thread aimed for, so that an item count not divisible by the threads idles little. */
    private static final int ITEMS_PER_THREAD = 4;
    /** Patch rows per block of the weight gradient's final transpose (16 floats fill a cache line). */
    private static final int TRANSPOSE_BLOCK = 16;

    private CpuConvolution() {
    }

    static void conv2d(Parallel parallel, Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
        ConvShape s = ConvShape.of(input.shape(), weight.shape(), out.shape(), params);
        int positions = s.positions();
        int patch = s.patch();
        int groupOut = s.groupOut();
        Tensor w = dense(weight);
        Planes x = s.pointwise() ? Planes.of(input) : null;
        float[] y = out.floatData();
        int tile = positionTile(s, patch, parallel);
        int tiles = Math.ceilDiv(positions, tile);
        int items = s.batch() * s.groups() * tiles;
        forEachItem(parallel, items, s.pointwise() ? 0 : patch * tile, (slot, item, col, gemmParallel) -> {
            int p0 = item % tiles * tile;
            int length = Math.min(positions - p0, tile);
            int group = item / tiles % s.groups();
            int n = item / tiles / s.groups();
            int firstOut = group * groupOut;
            int yAt = out.offset() + (n * s.outChannels() + firstOut) * positions + p0;
            if (bias != null) {
                for (int o = 0; o < groupOut; o++) {
                    float b = bias.floatData()[bias.offset() + (firstOut + o) * bias.stride(0)];
                    Arrays.fill(y, yAt + o * positions, yAt + o * positions + length, b);
                }
            }
            Matrix patches = s.pointwise() ? x.matrix(n, group * s.groupIn(), p0)
                    : gatherPatches(s, input, n, group, p0, length, col);
            Sgemm.multiply(gemmParallel, groupOut, length, patch,
                    w.floatData(), w.offset() + firstOut * patch, patch, 1,
                    patches.data, patches.offset, patches.rowStride, patches.colStride,
                    y, yAt, positions, bias != null);
        });
    }

    /**
     * Items are (sample, group, chunk of input channels): the patch rows of different channels scatter into
     * different input planes, so items never write the same element. Within an item, position tiles run in
     * turn because neighbouring windows overlap in the input.
     */
    static void conv2dInputGrad(Parallel parallel, Tensor gradOut, Tensor weight, Conv2dParams params,
                                Tensor gradInput) {
        ConvShape s = ConvShape.of(gradInput.shape(), weight.shape(), gradOut.shape(), params);
        int positions = s.positions();
        int patch = s.patch();
        int plane = s.inputPlane();
        Tensor w = dense(weight);
        Planes dy = Planes.of(gradOut);
        float[] dx = gradInput.floatData();
        int chunk = pieceLength(s.groupIn(), s.groupIn(), 1, wantedPieces(s, parallel));
        int chunks = Math.ceilDiv(s.groupIn(), chunk);
        int tile = pieceLength(positions, TILE_FLOATS / (chunk * s.taps()), 1, 1);
        int items = s.batch() * s.groups() * chunks;
        forEachItem(parallel, items, s.pointwise() ? 0 : chunk * s.taps() * tile, (slot, item, col, gemmParallel) -> {
            int c0 = item % chunks * chunk;
            int channelCount = Math.min(s.groupIn() - c0, chunk);
            int group = item / chunks % s.groups();
            int n = item / chunks / s.groups();
            int rows = channelCount * s.taps();
            int dxAt = gradInput.offset() + (n * s.channels() + group * s.groupIn() + c0) * plane;
            // Rows c0·taps … of W_gᵀ: element (row, o) is weight[g·Og + o][c0·taps + row].
            int wAt = w.offset() + group * s.groupOut() * patch + c0 * s.taps();
            Arrays.fill(dx, dxAt, dxAt + channelCount * plane, 0f);
            for (int p0 = 0; p0 < positions; p0 += tile) {
                int length = Math.min(positions - p0, tile);
                Matrix dyTile = dy.matrix(n, group * s.groupOut(), p0);
                // A pointwise input gradient is the GEMM's result itself; otherwise it is col2im of it.
                Matrix target = s.pointwise() ? new Matrix(dx, dxAt + p0, plane, 1) : new Matrix(col, 0, length, 1);
                Sgemm.multiply(gemmParallel, rows, length, s.groupOut(),
                        w.floatData(), wAt, 1, patch,
                        dyTile.data, dyTile.offset, dyTile.rowStride, dyTile.colStride,
                        target.data, target.offset, target.rowStride, false);
                if (!s.pointwise()) {
                    Im2col.scatterAdd(s, col, channelCount, p0, p0 + length, dx, dxAt);
                }
            }
        });
    }

    /**
     * Items are (sample, group, position tile) and all of them add into the same weight gradient, so each
     * thread's slot sums into its own partial gradient; the partials are added in slot order at the end,
     * which keeps the result independent of scheduling. The GEMMs compute the transposed gradient
     * {@code dW_gᵀ [K, Og] += X_n · dY[n, g]ᵀ}: both operands are then read along their contiguous
     * positions, which packs about twice as fast as the transposed patch matrix; the final sum transposes
     * back.
     */
    static void conv2dWeightGrad(Parallel parallel, Tensor input, Tensor gradOut, Conv2dParams params,
                                 Tensor gradWeight) {
        ConvShape s = ConvShape.of(input.shape(), gradWeight.shape(), gradOut.shape(), params);
        int positions = s.positions();
        int patch = s.patch();
        int groupOut = s.groupOut();
        Planes dy = Planes.of(gradOut);
        Planes x = s.pointwise() ? Planes.of(input) : null;
        int tile = positionTile(s, patch, parallel);
        int tiles = Math.ceilDiv(positions, tile);
        int items = s.batch() * s.groups() * tiles;
        int slots = slotCount(parallel, items);
        float[][] partial = new float[slots][s.outChannels() * patch];
        forEachItem(parallel, items, s.pointwise() ? 0 : patch * tile, (slot, item, col, gemmParallel) -> {
            int p0 = item % tiles * tile;
            int length = Math.min(positions - p0, tile);
            int group = item / tiles % s.groups();
            int n = item / tiles / s.groups();
            Matrix dyTile = dy.matrix(n, group * groupOut, p0);
            Matrix patches = s.pointwise() ? x.matrix(n, group * s.groupIn(), p0)
                    : gatherPatches(s, input, n, group, p0, length, col);
            // dW_gᵀ += patches [K, length] · dY tileᵀ [length, Og]: the transpose is the swapped strides.
            Sgemm.multiply(gemmParallel, patch, groupOut, length,
                    patches.data, patches.offset, patches.rowStride, patches.colStride,
                    dyTile.data, dyTile.offset, dyTile.colStride, dyTile.rowStride,
                    partial[slot], group * patch * groupOut, groupOut, true);
        });
        // partial[slot] holds [G, K, Og] and gradWeight is [G, Og, K]: sum and transpose in blocks of
        // TRANSPOSE_BLOCK patch rows, so the strided reads keep revisiting the same few cache lines.
        float[] dw = gradWeight.floatData();
        for (int group = 0; group < s.groups(); group++) {
            for (int r0 = 0; r0 < patch; r0 += TRANSPOSE_BLOCK) {
                int r1 = Math.min(patch, r0 + TRANSPOSE_BLOCK);
                for (int o = 0; o < groupOut; o++) {
                    int to = gradWeight.offset() + (group * groupOut + o) * patch;
                    for (int r = r0; r < r1; r++) {
                        float sum = 0f;
                        for (float[] slotSum : partial) {
                            sum += slotSum[(group * patch + r) * groupOut + o];
                        }
                        dw[to + r] = sum;
                    }
                }
            }
        }
    }

    /** Fills col with the patch matrix [K, length] of sample n, group g and positions p0 … p0 + length - 1. */
    private static Matrix gatherPatches(ConvShape s, Tensor input, int n, int group, int p0, int length,
                                        float[] col) {
        int[] strides = input.strides();
        int base = input.offset() + n * strides[0] + group * s.groupIn() * strides[1];
        Im2col.gather(s, input.floatData(), base, strides[1], strides[2], strides[3], s.groupIn(), p0, p0 + length,
                col);
        return new Matrix(col, 0, length, 1);
    }

    /**
     * Positions per tile for the forward and weight-gradient items: as many as fit {@link #TILE_FLOATS}
     * with {@code rows} patch rows, but fewer (down to {@link #MIN_TILE_POSITIONS}) when the batch and
     * groups alone would not give every thread {@link #ITEMS_PER_THREAD} items.
     */
    private static int positionTile(ConvShape s, int rows, Parallel parallel) {
        return pieceLength(s.positions(), TILE_FLOATS / rows, MIN_TILE_POSITIONS, wantedPieces(s, parallel));
    }

    /** Pieces per (sample, group) that give every thread {@link #ITEMS_PER_THREAD} items. */
    private static int wantedPieces(ConvShape s, Parallel parallel) {
        return Math.ceilDiv(ITEMS_PER_THREAD * parallel.threads(), Math.max(1, s.batch() * s.groups()));
    }

    /**
     * Length of the pieces {@code [0, total)} is cut into: at most {@code maxLength} (and at least 1), and
     * shorter, though not below {@code minLength}, when that makes {@code wanted} pieces.
     */
    private static int pieceLength(int total, int maxLength, int minLength, int wanted) {
        int forWanted = Math.max(Math.ceilDiv(total, wanted), minLength);
        return Math.max(1, Math.min(Math.min(total, maxLength), forWanted));
    }

    /** One work item; {@code scratch} is the slot's patch tile, reused by all of the slot's items. */
    @FunctionalInterface
    private interface ItemTask {
        void run(int slot, int item, float[] scratch, Parallel gemmParallel);
    }

    /** One slot per thread when there is an item for every thread, else a single slot with parallel GEMMs. */
    private static int slotCount(Parallel parallel, int items) {
        return items >= parallel.threads() ? parallel.threads() : 1;
    }

    /**
     * Runs items {@code [0, items)} in {@link #slotCount} slots of consecutive items. Each slot allocates
     * one scratch array of {@code scratchFloats}; the GEMMs get {@code parallel} only when there is a
     * single slot.
     */
    private static void forEachItem(Parallel parallel, int items, int scratchFloats, ItemTask task) {
        int slots = slotCount(parallel, items);
        Parallel gemmParallel = slots == 1 ? parallel : null;
        parallel.forRange(slots, 1, (firstSlot, endSlot) -> {
            float[] scratch = new float[scratchFloats];
            for (int slot = firstSlot; slot < endSlot; slot++) {
                int end = (int) ((long) items * (slot + 1) / slots);
                for (int item = (int) ((long) items * slot / slots); item < end; item++) {
                    task.run(slot, item, scratch, gemmParallel);
                }
            }
        });
    }

    /** t itself when dense row-major, else a dense copy (the GEMMs read the weight as [O, K]). */
    private static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : denseCopy(t);
    }

    private static Tensor denseCopy(Tensor t) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        float[] src = t.floatData();
        float[] values = new float[t.numel()];
        int i = 0;
        for (int a = 0; a < shape[0]; a++) {
            for (int b = 0; b < shape[1]; b++) {
                for (int c = 0; c < shape[2]; c++) {
                    for (int d = 0; d < shape[3]; d++) {
                        int at = t.offset() + a * strides[0] + b * strides[1] + c * strides[2] + d * strides[3];
                        values[i++] = src[at];
                    }
                }
            }
        }
        return Tensor.fromArray(values, shape);
    }

    /** A GEMM operand: element (i, j) at {@code data[offset + i·rowStride + j·colStride]}. */
    private record Matrix(float[] data, int offset, int rowStride, int colStride) {
    }

    /**
     * A 4-D tensor {@code [N, C, H, W]} read as {@code [N, C, H·W]}: element (n, c, p) at
     * {@code data[offset + n·sampleStride + c·channelStride + p·positionStride]}. Views whose rows are not
     * evenly spaced in storage are copied to dense first.
     */
    private record Planes(float[] data, int offset, int sampleStride, int channelStride, int positionStride) {
        static Planes of(Tensor t) {
            int positionStride = planeStride(t);
            Tensor source = positionStride < 0 ? denseCopy(t) : t;
            int[] strides = source.strides();
            return new Planes(source.floatData(), source.offset(), strides[0], strides[1],
                    positionStride < 0 ? 1 : positionStride);
        }

        /** The one stride that walks t's H×W plane in row-major order, or -1 if there is none. */
        private static int planeStride(Tensor t) {
            int[] strides = t.strides();
            if (t.size(3) == 1) {
                return strides[2];
            }
            return t.size(2) == 1 || strides[2] == t.size(3) * strides[3] ? strides[3] : -1;
        }

        /** Channels c, c + 1, … of sample n from position p on, as a [channels, positions] matrix. */
        Matrix matrix(int n, int c, int p) {
            return new Matrix(data, offset + n * sampleStride + c * channelStride + p * positionStride,
                    channelStride, positionStride);
        }
    }
}
