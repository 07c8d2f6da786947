package dev.cortado.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Batched SGEMM on a TornadoVM device: {@code c[b] = a[b] · b[b]} with a [B, M, K], b [B, K, N] and c [B, M, N]
 * dense row-major.
 *
 * <p>One register-tiled kernel, {@link #sgemm}, whose tiling comes in its last three arguments. TornadoVM turns
 * scalar arguments into constants of the code it generates (one compiled kernel per graph), so each tiling gets
 * its own fully unrolled code with fixed local and private array sizes. Two tilings are used ({@code
 * MatmulGraph} picks one by the output's size): {@link #TILE} = 128 with {@link #TILE_K} = 8 and {@link #VEC} =
 * 2 gives each 16 × 16 work group a 128 × 128 tile of c (8 × 8 accumulators per work item): 16 local reads per
 * 64 multiply-adds, so local memory bandwidth no longer bounds it, but NVIDIA's compiler needs 128 registers (two
 * groups per SM) and a small output leaves SMs idle. {@link #SMALL_TILE} = 64 with {@link #SMALL_TILE_K} = 16 and
 * VEC = 1 gives a 64 × 64 tile (4 × 4 per item, 72 registers): 8 local reads per 16 multiply-adds, four times
 * the groups.
 *
 * <p>Measured on an NVIDIA H100 (the OpenCL C TornadoVM generates, run by NVIDIA's OpenCL; n = 4096, FP32):
 * 33.6 TFLOP/s with the 128 tiling, 24.2 with the 64 tiling, 50.7 for cuBLAS. Also tried there: 128 × 64 tiles
 * (8 × 4 per item, 120 registers) 26.3; 64 × 128 tiles 21.6; K slices of 32 with 128 × 64 tiles 18.5 (251
 * registers).
 */
public final class MatmulKernels {
    /** Work items along each side of a (square) work group. */
    public static final int GROUP = 16;
    /** Side of the square tile of c each work group computes in the tiling for large outputs. */
    public static final int TILE = 128;
    /** Depth of the slices of a and b staged in local memory per step along K in the tiling for large outputs. */
    public static final int TILE_K = 8;
    /** Side of the square tile of c each work group computes in the tiling for small outputs. */
    public static final int SMALL_TILE = 64;
    /** Depth of the slices of a and b staged per step along K in the tiling for small outputs. */
    public static final int SMALL_TILE_K = 16;
    /**
     * Adjacent rows (and columns) per run of the 128 tiling's micro-tile; the runs are GROUP·VEC apart. NVIDIA's
     * compiler reads them from local memory as scalars all the same (no vector loads), but the spacing matters on
     * an H100: runs of 2 put the 16 columns a warp reads in 16 distinct banks, 128 registers, 33.6 TFLOP/s; runs
     * of 4 share banks two ways, 30.8; single rows (runs of 1) take 254 registers, one group per SM, 23.8. The 64
     * tiling uses runs of 1 (rows GROUP apart): 24.2 against 24.1 with pairs.
     */
    public static final int VEC = 2;

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

    private MatmulKernels() {
    }

    /**
     * SGEMM with {@code tile} × tile tiles of c per work group, K slices {@code tileK} deep and micro-tile rows in
     * runs of {@code vec} (constants: see the class comment; tile a multiple of GROUP·vec, tile·tileK of GROUP²,
     * WARP of tileK). Element (i, k) of a[batch] is {@code a[batch·sa + i·ra + k·ca]} (likewise b), so a
     * transposed operand is the same buffer with its two strides swapped and a broadcast batch has stride 0: no
     * operand is copied to reorder it.
     *
     * <p>Grid: x over columns of c, y over rows, z over the batch; work groups of {@link #GROUP} × GROUP × 1, one
     * per tile (see {@code MatmulGraph.grid}). Work item (x, y) owns the micro × micro micro-tile of c (micro =
     * tile / GROUP) whose rows are runs of vec adjacent rows from vec·y on, the runs GROUP·vec apart (likewise its
     * columns with x): neighbouring work items read neighbouring local floats and store neighbouring floats of c.
     *
     * <p>Per step of tileK along K the group stages a's tile × tileK slice and b's tileK × tile slice in local
     * memory, each K row padded by WARP / tileK floats (a warp staging a slice K-fastest then stores into distinct
     * banks instead of conflicting tileK ways), 0 outside the matrices, so ragged edges need no special case. It
     * synchronises, and each item adds, for every k of the slice, the outer product of its micro values of a's
     * column k and micro values of b's row k to its micro² accumulators: 2·micro local reads per micro²
     * multiply-adds. The global reads of the next step's slices are issued before this step's arithmetic and held
     * in registers until the slices are free again, so their latency hides behind it.
     */
    public static void sgemm(KernelContext context, FloatArray a, FloatArray b, FloatArray c, IntArray layout,
                             int tile, int tileK, int vec) {
        int m = layout.get(M);
        int n = layout.get(N);
        int k = layout.get(K);
        int localCol = context.localIdx;
        int localRow = context.localIdy;
        int item = localRow * GROUP + localCol;
        int rowStart = context.groupIdy * tile;
        int colStart = context.groupIdx * tile;
        int batch = context.globalIdz;
        int micro = tile / GROUP;
        int sliceRow = tile + WARP / tileK;
        int loads = tile * tileK / (GROUP * GROUP);
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

        // aSlice[q·sliceRow + r] = a(rowStart + r, k0 + q); bSlice[q·sliceRow + s] = b(k0 + q, colStart + s).
        float[] aSlice = context.allocateFloatLocalArray(tileK * sliceRow);
        float[] bSlice = context.allocateFloatLocalArray(tileK * sliceRow);
        // TornadoVM leaves private arrays uninitialised, so the accumulators are zeroed by hand.
        float[] sum = new float[micro * micro];
        for (int i = 0; i < micro * micro; i++) {
            sum[i] = 0f;
        }
        float[] aValues = new float[micro];
        float[] bValues = new float[micro];
        // This work item's loads elements of the next slices, element e = item + load·GROUP² of each.
        float[] aNext = new float[loads];
        float[] bNext = new float[loads];
        for (int load = 0; load < loads; load++) {
            int element = item + load * GROUP * GROUP;
            aNext[load] = staged(a, aBase, rowStart, m, aRowStride, 0, k, aColStride, element,
                    tile, tileK, aKFastest);
            bNext[load] = staged(b, bBase, colStart, n, bColStride, 0, k, bRowStride, element,
                    tile, tileK, bKFastest);
        }
        int rowOffset = localRow * vec;
        int colOffset = localCol * vec;
        for (int k0 = 0; k0 < k; k0 += tileK) {
            // The slices are indexed here rather than in a helper: TornadoVM 5.2.1 addresses a local array passed
            // to a helper method as a Java array, header and byte offsets included.
            for (int load = 0; load < loads; load++) {
                int element = item + load * GROUP * GROUP;
                aSlice[sliceDepth(element, tile, tileK, aKFastest) * sliceRow
                        + sliceSide(element, tile, tileK, aKFastest)] = aNext[load];
                bSlice[sliceDepth(element, tile, tileK, bKFastest) * sliceRow
                        + sliceSide(element, tile, tileK, bKFastest)] = bNext[load];
            }
            context.localBarrier();
            int kNext = k0 + tileK;
            for (int load = 0; load < loads; load++) {
                int element = item + load * GROUP * GROUP;
                aNext[load] = staged(a, aBase, rowStart, m, aRowStride, kNext, k, aColStride, element,
                        tile, tileK, aKFastest);
                bNext[load] = staged(b, bBase, colStart, n, bColStride, kNext, k, bRowStride, element,
                        tile, tileK, bKFastest);
            }
            for (int q = 0; q < tileK; q++) {
                for (int i = 0; i < micro; i++) {
                    int spread = i / vec * GROUP * vec + i % vec;
                    aValues[i] = aSlice[q * sliceRow + rowOffset + spread];
                    bValues[i] = bSlice[q * sliceRow + colOffset + spread];
                }
                for (int i = 0; i < micro; i++) {
                    for (int j = 0; j < micro; j++) {
                        sum[i * micro + j] += aValues[i] * bValues[j];
                    }
                }
            }
            context.localBarrier();
        }
        for (int i = 0; i < micro; i++) {
            int row = rowStart + rowOffset + i / vec * GROUP * vec + i % vec;
            for (int j = 0; j < micro; j++) {
                int col = colStart + colOffset + j / vec * GROUP * vec + j % vec;
                if (row < m && col < n) {
                    c.set((batch * m + row) * n + col, sum[i * micro + j]);
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
