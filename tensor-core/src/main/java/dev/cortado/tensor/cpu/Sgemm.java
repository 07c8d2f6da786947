package dev.cortado.tensor.cpu;

import java.util.Arrays;

/**
 * Single-precision general matrix multiply, {@code C = A·B} or {@code C += A·B}, in the
 * Goto/BLIS blocking scheme.
 *
 * <pre>
 * for jc in steps of NC over the columns          B block  kc × nc  (packed, stays in L2)
 *   for pc in steps of KC over k
 *     pack B[pc:pc+kc, jc:jc+nc] into NR-wide panels
 *     for ic in steps of MC over the rows         A block  mc × kc  (packed, L2)
 *       pack A[ic:ic+mc, pc:pc+kc] into MR-tall panels
 *       for ir in steps of MR                     A panel  MR × kc  (stays in L1)
 *         for jr in steps of NR                   B panel  kc × NR  (streams from L2)
 *           C[ir:ir+MR, jr:jr+NR] += A panel · B panel     (SgemmKernel, registers only)
 * </pre>
 *
 * Walking jr innermost keeps each kernel's C tile next to the previous one in memory, so the hardware
 * prefetchers follow the twelve C rows. The threads split C into bands of whole tiles (rows when m has at
 * least as many tiles as n, else columns); each runs the loops above on its band with its own packing
 * buffers.
 */
public final class Sgemm {
    static int KC = Integer.getInteger("kc", 256);
    static int MC = Integer.getInteger("mc", 96);
    static int NC = Integer.getInteger("nc", 1024);
    private static final int MR = SgemmKernel.MR;
    private static final int NR = SgemmKernel.NR;

    private Sgemm() {
    }

    /**
     * {@code C = A·B} (or {@code C += A·B} when {@code accumulate}) for A m×k, B k×n, C m×n.
     * Element (i, p) of A is {@code a[aOff + i·aRowStride + p·aColStride]} (so a transposed operand is just
     * swapped strides), likewise B; C is row-major with leading dimension {@code ldc}.
     * {@code parallel} may be null for single-threaded use (e.g. from inside an already parallel loop).
     */
    public static void multiply(Parallel parallel, int m, int n, int k,
                                float[] a, int aOff, int aRowStride, int aColStride,
                                float[] b, int bOff, int bRowStride, int bColStride,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        Operands ops = new Operands(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                c, cOff, ldc, accumulate);
        int rowTiles = (m + MR - 1) / MR;
        int colTiles = (n + NR - 1) / NR;
        boolean splitRows = rowTiles >= colTiles;
        int tiles = splitRows ? rowTiles : colTiles;
        Parallel.RangeTask band = splitRows
                ? (start, end) -> blocked(ops, start * MR, Math.min(end * MR, m), 0, n)
                : (start, end) -> blocked(ops, 0, m, start * NR, Math.min(end * NR, n));
        if (parallel == null) {
            band.run(0, tiles);
        } else {
            parallel.forRange(tiles, grain(ops, splitRows), band);
        }
    }

    /** Tiles per thread so that a band carries at least ~4 MFLOP, enough to hide the fork-join cost. */
    private static int grain(Operands ops, boolean splitRows) {
        long flopsPerTile = 2L * ops.k * (splitRows ? (long) MR * ops.n : (long) NR * ops.m);
        return (int) Math.max(1, (1L << 22) / flopsPerTile);
    }

    private static void blocked(Operands o, int rowStart, int rowEnd, int colStart, int colEnd) {
        int kcMax = Math.min(KC, o.k);
        float[] bPack = new float[kcMax * roundUp(Math.min(NC, colEnd - colStart), NR)];
        float[] aPack = new float[kcMax * roundUp(Math.min(MC, rowEnd - rowStart), MR)];
        float[] edge = new float[MR * NR];
        for (int jc = colStart; jc < colEnd; jc += NC) {
            int nc = Math.min(NC, colEnd - jc);
            for (int pc = 0; pc < o.k; pc += KC) {
                int kc = Math.min(KC, o.k - pc);
                boolean add = o.accumulate || pc > 0;
                SgemmPacking.pack(o.b, o.bOff + pc * o.bRowStride + jc * o.bColStride, o.bColStride, o.bRowStride,
                        nc, kc, NR, bPack);
                for (int ic = rowStart; ic < rowEnd; ic += MC) {
                    int mc = Math.min(MC, rowEnd - ic);
                    SgemmPacking.pack(o.a, o.aOff + ic * o.aRowStride + pc * o.aColStride, o.aRowStride,
                            o.aColStride, mc, kc, MR, aPack);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int rows = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int cols = Math.min(NR, nc - jr);
                            int cAt = o.cOff + (ic + ir) * o.ldc + jc + jr;
                            if (rows == MR && cols == NR) {
                                SgemmKernel.multiply(kc, aPack, ir * kc, bPack, jr * kc, o.c, cAt, o.ldc, add);
                            } else {
                                SgemmKernel.multiply(kc, aPack, ir * kc, bPack, jr * kc, edge, 0, NR, false);
                                mergeEdge(edge, rows, cols, o.c, cAt, o.ldc, add);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Copies (or adds) the valid rows × cols corner of a full tile computed into {@code edge}. */
    private static void mergeEdge(float[] edge, int rows, int cols, float[] c, int cAt, int ldc, boolean add) {
        for (int r = 0; r < rows; r++) {
            int ci = cAt + r * ldc;
            for (int j = 0; j < cols; j++) {
                c[ci + j] = add ? c[ci + j] + edge[r * NR + j] : edge[r * NR + j];
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** The arguments of one {@link #multiply} call, shared by its threads. */
    private record Operands(int m, int n, int k,
                            float[] a, int aOff, int aRowStride, int aColStride,
                            float[] b, int bOff, int bRowStride, int bColStride,
                            float[] c, int cOff, int ldc, boolean accumulate) {
    }
}
