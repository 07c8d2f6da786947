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
 * A pointwise convolution (1×1, stride 1, no padding) of one sample uses the input plane itself as
 * {@code X_n}.
 *
 * <p>Each op is cut into independent items (group × a {@link Tiling tile} of samples and positions, and for
 * the input gradient a chunk of channels), each with a patch tile of bounded size. Small planes (a ViT's
 * 4×4 or 7×7) are tiled several samples at a time: the GEMM then runs over the columns of
 * {@code [X_n, X_n+1, …]}, and its result or operand {@code [Og, samples·P]} passes through a scratch tile,
 * since {@code Y} keeps each sample's channels together. With at least one item per thread the items are
 * spread over the threads and every GEMM runs single-threaded; otherwise the items run in turn and each
 * GEMM uses all threads.
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
        Tiling tiling = Tiling.of(s, patch, parallel);
        int tiles = tiling.count();
        int resultAt = patch * tiling.columns();
        forEachItem(parallel, s.groups() * tiles, resultAt + groupOut * tiling.columns(), (slot, item, scratch, gemm) -> {
            Tile t = tiling.tile(item % tiles);
            int group = item / tiles;
            int firstOut = group * groupOut;
            Matrix patches = patchMatrix(s, input, x, group, t, scratch);
            if (t.samples() == 1) {
                // The GEMM adds into Y's own rows, prefilled with the bias.
                int yAt = out.offset() + (t.firstSample() * s.outChannels() + firstOut) * positions + t.firstPosition();
                if (bias != null) {
                    for (int o = 0; o < groupOut; o++) {
                        Arrays.fill(y, yAt + o * positions, yAt + o * positions + t.length(), biasOf(bias, firstOut + o));
                    }
                }
                Sgemm.multiply(gemm, groupOut, t.length(), patch, w.floatData(), w.offset() + firstOut * patch, patch, 1,
                        patches.data, patches.offset, patches.rowStride, patches.colStride,
                        y, yAt, positions, bias != null);
                return;
            }
            int columns = t.columns();
            Sgemm.multiply(gemm, groupOut, columns, patch, w.floatData(), w.offset() + firstOut * patch, patch, 1,
                    patches.data, patches.offset, patches.rowStride, patches.colStride,
                    scratch, resultAt, columns, false);
            for (int n = 0; n < t.samples(); n++) {
                for (int o = 0; o < groupOut; o++) {
                    int from = resultAt + o * columns + n * t.length();
                    int to = out.offset() + ((t.firstSample() + n) * s.outChannels() + firstOut + o) * positions;
                    float b = bias == null ? 0f : biasOf(bias, firstOut + o);
                    for (int p = 0; p < positions; p++) {
                        y[to + p] = scratch[from + p] + b;
                    }
                }
            }
        });
    }

    /**
     * Items are (group, tile of samples, chunk of input channels): the patch rows of different channels scatter
     * into different input planes, so items never write the same element. Within an item of one sample,
     * position tiles run in turn because neighbouring windows overlap in the input.
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
        Tiling samples = Tiling.of(s, s.groupIn() * s.taps(), parallel).wholePlanes();
        boolean batched = samples.samplesPerTile() > 1;
        int chunk = batched ? s.groupIn()
                : pieceLength(s.groupIn(), s.groupIn(), 1, Math.ceilDiv(wantedTiles(s, parallel), Math.max(1, s.batch())));
        int chunks = Math.ceilDiv(s.groupIn(), chunk);
        Tiling tiling = batched ? samples
                : Tiling.perSample(s, pieceLength(positions, TILE_FLOATS / (chunk * s.taps()), 1, 1));
        int operandAt = chunk * s.taps() * tiling.columns();
        int scratchFloats = operandAt + (batched ? s.groupOut() * tiling.columns() : 0);
        int blocks = samples.count();
        forEachItem(parallel, blocks * s.groups() * chunks, scratchFloats, (slot, item, col, gemm) -> {
            int c0 = item % chunks * chunk;
            int channelCount = Math.min(s.groupIn() - c0, chunk);
            int group = item / chunks % s.groups();
            int block = item / chunks / s.groups();
            int rows = channelCount * s.taps();
            // Rows c0·taps … of W_gᵀ: element (row, o) is weight[g·Og + o][c0·taps + row].
            int wAt = w.offset() + group * s.groupOut() * patch + c0 * s.taps();
            int firstSample = block * samples.samplesPerTile();
            for (int n = firstSample; n < Math.min(s.batch(), firstSample + samples.samplesPerTile()); n++) {
                int at = gradInput.offset() + (n * s.channels() + group * s.groupIn() + c0) * plane;
                Arrays.fill(dx, at, at + channelCount * plane, 0f);
            }
            int endTile = (block + 1) * tiling.count() / blocks;
            for (int tileIndex = block * tiling.count() / blocks; tileIndex < endTile; tileIndex++) {
                Tile t = tiling.tile(tileIndex);
                int dxAt = gradInput.offset() + (t.firstSample() * s.channels() + group * s.groupIn() + c0) * plane;
                Matrix dyTile = gradientColumns(s, dy, group, t, col, operandAt);
                int columns = t.columns();
                // A pointwise input gradient of one sample is the GEMM's result itself; otherwise col2im of it.
                boolean direct = s.pointwise() && t.samples() == 1;
                Matrix target = direct ? new Matrix(dx, dxAt + t.firstPosition(), plane, 1) : new Matrix(col, 0, columns, 1);
                Sgemm.multiply(gemm, rows, columns, s.groupOut(),
                        w.floatData(), wAt, 1, patch,
                        dyTile.data, dyTile.offset, dyTile.rowStride, dyTile.colStride,
                        target.data, target.offset, target.rowStride, false);
                if (!direct) {
                    for (int n = 0; n < t.samples(); n++) {
                        Im2col.scatterAdd(s, col, n * t.length(), columns, channelCount, t.firstPosition(),
                                t.firstPosition() + t.length(), dx, dxAt + n * s.channels() * plane);
                    }
                }
            }
        });
    }

    /**
     * Items are (group, tile) and all of them add into the same weight gradient, so each thread's slot sums
     * into its own partial gradient; the partials are added in slot order at the end, which keeps the result
     * independent of scheduling. The GEMMs compute the transposed gradient
     * {@code dW_gᵀ [K, Og] += X_n · dY[n, g]ᵀ}: both operands are then read along their contiguous
     * positions, which packs about twice as fast as the transposed patch matrix; the final sum transposes
     * back.
     */
    static void conv2dWeightGrad(Parallel parallel, Tensor input, Tensor gradOut, Conv2dParams params,
                                 Tensor gradWeight) {
        ConvShape s = ConvShape.of(input.shape(), gradWeight.shape(), gradOut.shape(), params);
        int patch = s.patch();
        int groupOut = s.groupOut();
        Planes dy = Planes.of(gradOut);
        Planes x = s.pointwise() ? Planes.of(input) : null;
        Tiling tiling = Tiling.of(s, patch, parallel);
        int tiles = tiling.count();
        int items = s.groups() * tiles;
        int slots = slotCount(parallel, items);
        int operandAt = patch * tiling.columns();
        float[][] partial = new float[slots][s.outChannels() * patch];
        forEachItem(parallel, items, operandAt + groupOut * tiling.columns(), (slot, item, scratch, gemm) -> {
            Tile t = tiling.tile(item % tiles);
            int group = item / tiles;
            Matrix dyTile = gradientColumns(s, dy, group, t, scratch, operandAt);
            Matrix patches = patchMatrix(s, input, x, group, t, scratch);
            // dW_gᵀ += patches [K, columns] · dY tileᵀ [columns, Og]: the transpose is the swapped strides.
            Sgemm.multiply(gemm, patch, groupOut, t.columns(),
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

    /**
     * The patch matrix [K, columns] of group g over tile t: a pointwise convolution's input plane itself when
     * the tile is one sample, else gathered into the start of {@code scratch}, one block of columns per sample.
     */
    private static Matrix patchMatrix(ConvShape s, Tensor input, Planes x, int group, Tile t, float[] scratch) {
        if (s.pointwise() && t.samples() == 1) {
            return x.matrix(t.firstSample(), group * s.groupIn(), t.firstPosition());
        }
        int[] strides = input.strides();
        int columns = t.columns();
        for (int n = 0; n < t.samples(); n++) {
            int base = input.offset() + (t.firstSample() + n) * strides[0] + group * s.groupIn() * strides[1];
            Im2col.gather(s, input.floatData(), base, strides[1], strides[2], strides[3], s.groupIn(),
                    t.firstPosition(), t.firstPosition() + t.length(), scratch, n * t.length(), columns);
        }
        return new Matrix(scratch, 0, columns, 1);
    }

    /**
     * dY of group g over tile t as a [Og, columns] matrix: its own rows when the tile is one sample, else
     * copied into {@code scratch} from {@code at} on, one block of columns per sample.
     */
    private static Matrix gradientColumns(ConvShape s, Planes dy, int group, Tile t, float[] scratch, int at) {
        int groupOut = s.groupOut();
        if (t.samples() == 1) {
            return dy.matrix(t.firstSample(), group * groupOut, t.firstPosition());
        }
        int columns = t.columns();
        for (int n = 0; n < t.samples(); n++) {
            for (int o = 0; o < groupOut; o++) {
                Matrix row = dy.matrix(t.firstSample() + n, group * groupOut + o, 0);
                int to = at + o * columns + n * t.length();
                for (int p = 0, from = row.offset; p < t.length(); p++, from += row.colStride) {
                    scratch[to + p] = row.data[from];
                }
            }
        }
        return new Matrix(scratch, at, columns, 1);
    }

    private static float biasOf(Tensor bias, int channel) {
        return bias.floatData()[bias.offset() + channel * bias.stride(0)];
    }

    /** Tiles wanted over all samples of one group: {@link #ITEMS_PER_THREAD} items for every thread. */
    private static int wantedTiles(ConvShape s, Parallel parallel) {
        return Math.ceilDiv(ITEMS_PER_THREAD * parallel.threads(), s.groups());
    }

    /**
     * Length of the pieces {@code [0, total)} is cut into: at most {@code maxLength} (and at least 1), and
     * shorter, though not below {@code minLength}, when that makes {@code wanted} pieces.
     */
    private static int pieceLength(int total, int maxLength, int minLength, int wanted) {
        int forWanted = Math.max(Math.ceilDiv(total, wanted), minLength);
        return Math.max(1, Math.min(Math.min(total, maxLength), forWanted));
    }

    /** Samples [firstSample, firstSample + samples) at positions [firstPosition, firstPosition + length). */
    private record Tile(int firstSample, int samples, int firstPosition, int length) {
        int columns() {
            return samples * length;
        }
    }

    /**
     * How the samples × positions of one group are cut into tiles: either runs of whole planes of
     * {@code samplesPerTile} samples, or (samplesPerTile = 1) each sample's positions in runs of
     * {@code positionsPerTile}.
     */
    private record Tiling(int batch, int positions, int samplesPerTile, int positionsPerTile) {
        /**
         * Tiles of at most TILE_FLOATS / rows columns. Where several whole planes fit, one run of samples per
         * thread: such GEMMs are short, and their per-call costs (packing the weight) are paid once per tile.
         * Else position tiles of each sample, about {@link #wantedTiles} of them (not below
         * {@link #MIN_TILE_POSITIONS} when shortened only for the count).
         */
        static Tiling of(ConvShape s, int rows, Parallel parallel) {
            int maxColumns = Math.max(1, TILE_FLOATS / rows);
            int threadsPerGroup = Math.ceilDiv(parallel.threads(), s.groups());
            int samples = s.positions() == 0 ? 0
                    : Math.min(Math.ceilDiv(s.batch(), threadsPerGroup), maxColumns / s.positions());
            if (samples > 1) {
                return new Tiling(s.batch(), s.positions(), samples, s.positions());
            }
            return perSample(s, pieceLength(s.positions(), maxColumns, MIN_TILE_POSITIONS,
                    Math.ceilDiv(wantedTiles(s, parallel), Math.max(1, s.batch()))));
        }

        static Tiling perSample(ConvShape s, int positionsPerTile) {
            return new Tiling(s.batch(), s.positions(), 1, positionsPerTile);
        }

        /** The same sample runs with each tile covering whole planes. */
        Tiling wholePlanes() {
            return new Tiling(batch, positions, samplesPerTile, positions);
        }

        private int positionTiles() {
            return Math.ceilDiv(positions, positionsPerTile);
        }

        int count() {
            return Math.ceilDiv(batch, samplesPerTile) * positionTiles();
        }

        /** Columns of the largest tile. */
        int columns() {
            return samplesPerTile * Math.min(positions, positionsPerTile);
        }

        Tile tile(int index) {
            int firstSample = index / positionTiles() * samplesPerTile;
            int firstPosition = index % positionTiles() * positionsPerTile;
            return new Tile(firstSample, Math.min(samplesPerTile, batch - firstSample), firstPosition,
                    Math.min(positionsPerTile, positions - firstPosition));
        }
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
