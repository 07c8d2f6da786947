package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Batched SGEMM on a TornadoVM device: {@code c[b] = a[b] · b[b]} with a [B, M, K], b [B, K, N] and c [B, M, N]
 * dense row-major.
 *
 * <p>Two register-tiled kernels, the same body with different constants. {@link #sgemm} gives each 16 × 16 work
 * group a 128 × 128 tile of c (8 × 8 accumulators per work item): 16 local reads per 64 multiply-adds, so local
 * memory bandwidth no longer bounds it, but NVIDIA's compiler needs 128 registers (two groups per SM) and a small
 * output leaves SMs idle. {@link #sgemmSmall} gives each group a 64 × 64 tile (4 × 4 per item, 72 registers): 8
 * local reads per 16 multiply-adds, four times the groups. {@code MatmulGraph.kernel} picks one by the output's
 * size.
 *
 * <p>Measured on an NVIDIA H100 (the OpenCL C TornadoVM generates, run by NVIDIA's OpenCL; n = 4096, FP32):
 * 33.6 TFLOP/s for sgemm, 24.2 for sgemmSmall, 50.7 for cuBLAS. Also tried there: 128 × 64 tiles (8 × 4 per
 * item, 120 registers) 26.3; 64 × 128 tiles 21.6; K slices of 32 with 128 × 64 tiles 18.5 (251 registers).
 */
public final class MatmulKernels {
    /** Work items along each side of a (square) work group. */
    public static final int GROUP = 16;
    /** Side of the square tile of c each work group of {@link #sgemm} computes. */
    public static final int TILE = 128;
    /** Depth of the slices of a and b that {@link #sgemm} stages in local memory per step along K. */
    public static final int TILE_K = 8;
    /** Side of the square tile of c each work group of {@link #sgemmSmall} computes. */
    public static final int SMALL_TILE = 64;
    /** Depth of the slices of a and b that {@link #sgemmSmall} stages per step along K. */
    public static final int SMALL_TILE_K = 16;
    /** Side of the square micro-tile of c each work item of {@link #sgemm} accumulates in registers. */
    public static final int MICRO = TILE / GROUP;
    /** Side of the square micro-tile of c each work item of {@link #sgemmSmall} accumulates. */
    public static final int SMALL_MICRO = SMALL_TILE / GROUP;
    /**
     * Adjacent rows (and columns) per run of {@link #sgemm}'s micro-tile; the runs are GROUP·VEC apart. NVIDIA's
     * compiler reads them from local memory as scalars all the same (no vector loads), but the spacing matters on
     * an H100: runs of 2 put the 16 columns a warp reads in 16 distinct banks, 128 registers, 33.6 TFLOP/s; runs
     * of 4 share banks two ways, 30.8; single rows (runs of 1) take 254 registers, one group per SM, 23.8.
     */
    private static final int VEC = 2;

    /** Layout slots of the {@code layout} argument of {@link #sgemm}. */
    public static final int M = 0;
    public static final int N = 1;
    public static final int K = 2;
    public static final int A_BATCH_STRIDE = 3;
    public static final int A_ROW_STRIDE = 4;
    public static final int A_COL_STRIDE = 5;
    public static final int B_BATCH_STRIDE = 6;
    public static final int B_ROW_STRIDE = 7;
    public static final int B_COL_STRIDE = 8;
    public static final int LAYOUT_SLOTS = 9;

    /** Lanes of an NVIDIA warp, and banks of its local (shared) memory. */
    private static final int WARP = 32;
    /**
     * Floats per K row of a staged slice: the tile plus padding. A warp that stages a slice K-fastest stores
     * TILE_K K rows × WARP / TILE_K tile rows; padding by WARP / TILE_K puts them in distinct banks instead of
     * conflicting TILE_K ways.
     */
    private static final int SLICE_ROW = TILE + WARP / TILE_K;
    private static final int SMALL_SLICE_ROW = SMALL_TILE + WARP / SMALL_TILE_K;
    /** Elements of each staged slice that each work item loads. */
    private static final int LOADS = TILE * TILE_K / (GROUP * GROUP);
    private static final int SMALL_LOADS = SMALL_TILE * SMALL_TILE_K / (GROUP * GROUP);

    private MatmulKernels() {
    }

    /**
     * SGEMM with {@link #TILE} × TILE tiles of c per work group, for outputs with many such tiles. Element (i, k)
     * of a[batch] is {@code a[batch·sa + i·ra + k·ca]} (likewise b), so a transposed operand is the same buffer
     * with its two strides swapped and a broadcast batch has stride 0: no operand is copied to reorder it.
     *
     * <p>Grid: x over columns of c, y over rows, z over the batch; work groups of {@link #GROUP} × GROUP × 1, one
     * per tile (see {@code MatmulGraph.grid}). Work item (x, y) owns the {@link #MICRO} × MICRO micro-tile of c
     * whose rows are runs of {@link #VEC} adjacent rows from VEC·y on, the runs GROUP·VEC apart (likewise its
     * columns with x): neighbouring work items read neighbouring local floats and store neighbouring floats of c.
     *
     * <p>Per step of {@link #TILE_K} along K the group stages a's TILE × TILE_K slice and b's TILE_K × TILE slice
     * in local memory (0 outside the matrices, so ragged edges need no special case), synchronises, and each item
     * adds, for every k of the slice, the outer product of its MICRO values of a's column k and MICRO values of
     * b's row k to its MICRO² accumulators: 2·MICRO local reads per MICRO² multiply-adds. The global reads of the
     * next step's slices are issued before this step's arithmetic and held in registers until the slices are
     * free again, so their latency hides behind it.
     */
    public static void sgemm(KernelContext context, FloatArray a, FloatArray b, FloatArray c, IntArray layout) {
        int m = layout.get(M);
        int n = layout.get(N);
        int k = layout.get(K);
        int localCol = context.localIdx;
        int localRow = context.localIdy;
        int item = localRow * GROUP + localCol;
        int rowStart = context.groupIdy * TILE;
        int colStart = context.groupIdx * TILE;
        int batch = context.globalIdz;
        int aBase = batch * layout.get(A_BATCH_STRIDE);
        int bBase = batch * layout.get(B_BATCH_STRIDE);
        int aRowStride = layout.get(A_ROW_STRIDE);
        int aColStride = layout.get(A_COL_STRIDE);
        int bRowStride = layout.get(B_ROW_STRIDE);
        int bColStride = layout.get(B_COL_STRIDE);
        // Consecutive work items walk each operand's smaller stride, so that a warp's global reads are coalesced
        // whatever the layout: K for row-major a, the tile side for row-major b or transposed a.
        boolean aKFastest = aColStride < aRowStride;
        boolean bKFastest = bRowStride < bColStride;

        // aSlice[q·SLICE_ROW + r] = a(rowStart + r, k0 + q); bSlice[q·SLICE_ROW + s] = b(k0 + q, colStart + s).
        float[] aSlice = context.allocateFloatLocalArray(TILE_K * SLICE_ROW);
        float[] bSlice = context.allocateFloatLocalArray(TILE_K * SLICE_ROW);
        // TornadoVM leaves private arrays uninitialised, so the accumulators are zeroed by hand.
        float[] sum = new float[MICRO * MICRO];
        for (int i = 0; i < MICRO * MICRO; i++) {
            sum[i] = 0f;
        }
        float[] aValues = new float[MICRO];
        float[] bValues = new float[MICRO];
        // This work item's LOADS elements of the next slices, element e = item + load·GROUP² of each.
        float[] aNext = new float[LOADS];
        float[] bNext = new float[LOADS];
        for (int load = 0; load < LOADS; load++) {
            int element = item + load * GROUP * GROUP;
            aNext[load] = staged(a, aBase, rowStart, m, aRowStride, 0, k, aColStride, element,
                    TILE, TILE_K, aKFastest);
            bNext[load] = staged(b, bBase, colStart, n, bColStride, 0, k, bRowStride, element,
                    TILE, TILE_K, bKFastest);
        }
        int rowOffset = localRow * VEC;
        int colOffset = localCol * VEC;
        for (int k0 = 0; k0 < k; k0 += TILE_K) {
            // The slices are indexed here rather than in a helper: TornadoVM 5.2.1 addresses a local array passed
            // to a helper method as a Java array, header and byte offsets included.
            for (int load = 0; load < LOADS; load++) {
                int element = item + load * GROUP * GROUP;
                aSlice[sliceDepth(element, TILE, TILE_K, aKFastest) * SLICE_ROW
                        + sliceSide(element, TILE, TILE_K, aKFastest)] = aNext[load];
                bSlice[sliceDepth(element, TILE, TILE_K, bKFastest) * SLICE_ROW
                        + sliceSide(element, TILE, TILE_K, bKFastest)] = bNext[load];
            }
            context.localBarrier();
            int kNext = k0 + TILE_K;
            for (int load = 0; load < LOADS; load++) {
                int element = item + load * GROUP * GROUP;
                aNext[load] = staged(a, aBase, rowStart, m, aRowStride, kNext, k, aColStride, element,
                        TILE, TILE_K, aKFastest);
                bNext[load] = staged(b, bBase, colStart, n, bColStride, kNext, k, bRowStride, element,
                        TILE, TILE_K, bKFastest);
            }
            for (int q = 0; q < TILE_K; q++) {
                for (int i = 0; i < MICRO; i++) {
                    int spread = i / VEC * GROUP * VEC + i % VEC;
                    aValues[i] = aSlice[q * SLICE_ROW + rowOffset + spread];
                    bValues[i] = bSlice[q * SLICE_ROW + colOffset + spread];
                }
                for (int i = 0; i < MICRO; i++) {
                    for (int j = 0; j < MICRO; j++) {
                        sum[i * MICRO + j] += aValues[i] * bValues[j];
                    }
                }
            }
            context.localBarrier();
        }
        for (int i = 0; i < MICRO; i++) {
            int row = rowStart + rowOffset + i / VEC * GROUP * VEC + i % VEC;
            for (int j = 0; j < MICRO; j++) {
                int col = colStart + colOffset + j / VEC * GROUP * VEC + j % VEC;
                if (row < m && col < n) {
                    c.set((batch * m + row) * n + col, sum[i * MICRO + j]);
                }
            }
        }
    }

    /**
     * {@link #sgemm} with {@link #SMALL_TILE} × SMALL_TILE tiles, {@link #SMALL_MICRO} × SMALL_MICRO micro-tiles
     * (rows and columns GROUP apart) and slices {@link #SMALL_TILE_K} deep, for small outputs; same arguments,
     * layout and grid axes. The body repeats sgemm's with these constants: TornadoVM 5.2.1 inlines no method
     * of more than 600 graph nodes, so one body shared with the constants as arguments does not compile.
     */
    public static void sgemmSmall(KernelContext context, FloatArray a, FloatArray b, FloatArray c, IntArray layout) {
        int m = layout.get(M);
        int n = layout.get(N);
        int k = layout.get(K);
        int localCol = context.localIdx;
        int localRow = context.localIdy;
        int item = localRow * GROUP + localCol;
        int rowStart = context.groupIdy * SMALL_TILE;
        int colStart = context.groupIdx * SMALL_TILE;
        int batch = context.globalIdz;
        int aBase = batch * layout.get(A_BATCH_STRIDE);
        int bBase = batch * layout.get(B_BATCH_STRIDE);
        int aRowStride = layout.get(A_ROW_STRIDE);
        int aColStride = layout.get(A_COL_STRIDE);
        int bRowStride = layout.get(B_ROW_STRIDE);
        int bColStride = layout.get(B_COL_STRIDE);
        // Consecutive work items walk each operand's smaller stride, so that a warp's global reads are coalesced
        // whatever the layout: K for row-major a, the tile side for row-major b or transposed a.
        boolean aKFastest = aColStride < aRowStride;
        boolean bKFastest = bRowStride < bColStride;

        // aSlice[q·SMALL_SLICE_ROW + r] = a(rowStart + r, k0 + q);
        // bSlice[q·SMALL_SLICE_ROW + s] = b(k0 + q, colStart + s).
        float[] aSlice = context.allocateFloatLocalArray(SMALL_TILE_K * SMALL_SLICE_ROW);
        float[] bSlice = context.allocateFloatLocalArray(SMALL_TILE_K * SMALL_SLICE_ROW);
        // TornadoVM leaves private arrays uninitialised, so the accumulators are zeroed by hand.
        float[] sum = new float[SMALL_MICRO * SMALL_MICRO];
        for (int i = 0; i < SMALL_MICRO * SMALL_MICRO; i++) {
            sum[i] = 0f;
        }
        float[] aValues = new float[SMALL_MICRO];
        float[] bValues = new float[SMALL_MICRO];
        // This work item's SMALL_LOADS elements of the next slices, element e = item + load·GROUP² of each.
        float[] aNext = new float[SMALL_LOADS];
        float[] bNext = new float[SMALL_LOADS];
        for (int load = 0; load < SMALL_LOADS; load++) {
            int element = item + load * GROUP * GROUP;
            aNext[load] = staged(a, aBase, rowStart, m, aRowStride, 0, k, aColStride, element,
                    SMALL_TILE, SMALL_TILE_K, aKFastest);
            bNext[load] = staged(b, bBase, colStart, n, bColStride, 0, k, bRowStride, element,
                    SMALL_TILE, SMALL_TILE_K, bKFastest);
        }
        for (int k0 = 0; k0 < k; k0 += SMALL_TILE_K) {
            // The slices are indexed here rather than in a helper: TornadoVM 5.2.1 addresses a local array passed
            // to a helper method as a Java array, header and byte offsets included.
            for (int load = 0; load < SMALL_LOADS; load++) {
                int element = item + load * GROUP * GROUP;
                aSlice[sliceDepth(element, SMALL_TILE, SMALL_TILE_K, aKFastest) * SMALL_SLICE_ROW
                        + sliceSide(element, SMALL_TILE, SMALL_TILE_K, aKFastest)] = aNext[load];
                bSlice[sliceDepth(element, SMALL_TILE, SMALL_TILE_K, bKFastest) * SMALL_SLICE_ROW
                        + sliceSide(element, SMALL_TILE, SMALL_TILE_K, bKFastest)] = bNext[load];
            }
            context.localBarrier();
            int kNext = k0 + SMALL_TILE_K;
            for (int load = 0; load < SMALL_LOADS; load++) {
                int element = item + load * GROUP * GROUP;
                aNext[load] = staged(a, aBase, rowStart, m, aRowStride, kNext, k, aColStride, element,
                        SMALL_TILE, SMALL_TILE_K, aKFastest);
                bNext[load] = staged(b, bBase, colStart, n, bColStride, kNext, k, bRowStride, element,
                        SMALL_TILE, SMALL_TILE_K, bKFastest);
            }
            for (int q = 0; q < SMALL_TILE_K; q++) {
                for (int i = 0; i < SMALL_MICRO; i++) {
                    aValues[i] = aSlice[q * SMALL_SLICE_ROW + localRow + i * GROUP];
                    bValues[i] = bSlice[q * SMALL_SLICE_ROW + localCol + i * GROUP];
                }
                for (int i = 0; i < SMALL_MICRO; i++) {
                    for (int j = 0; j < SMALL_MICRO; j++) {
                        sum[i * SMALL_MICRO + j] += aValues[i] * bValues[j];
                    }
                }
            }
            context.localBarrier();
        }
        for (int i = 0; i < SMALL_MICRO; i++) {
            int row = rowStart + localRow + i * GROUP;
            for (int j = 0; j < SMALL_MICRO; j++) {
                int col = colStart + localCol + j * GROUP;
                if (row < m && col < n) {
                    c.set((batch * m + row) * n + col, sum[i * SMALL_MICRO + j]);
                }
            }
        }
    }

    /** K offset within a slice of the {@code element}-th staged element. */
    private static int sliceDepth(int element, int tile, int tileK, boolean kFastest) {
        return kFastest ? element % tileK : element / tile;
    }

    /** Offset along the tile side (rows of a, columns of b) of the {@code element}-th staged element. */
    private static int sliceSide(int element, int tile, int tileK, boolean kFastest) {
        return kFastest ? element / tileK : element % tile;
    }

    /**
     * The {@code element}-th element of one operand's slice at tile offset {@code start} (along rows of a or
     * columns of b, {@code size} long, {@code stride} apart) and K offset {@code k0}, or 0 outside the operand.
     */
    private static float staged(FloatArray operand, int base, int start, int size, int stride, int k0, int k,
                                int kStride, int element, int tile, int tileK, boolean kFastest) {
        int side = start + sliceSide(element, tile, tileK, kFastest);
        int depth = k0 + sliceDepth(element, tile, tileK, kFastest);
        if (side < size && depth < k) {
            return operand.get(base + side * stride + depth * kStride);
        }
        return 0f;
    }
}
