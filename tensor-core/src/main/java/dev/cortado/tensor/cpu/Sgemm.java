package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;

/**
 * Single-precision general matrix multiply, {@code C = A·B} or {@code C += A·B}, in the Goto/BLIS
 * blocking scheme.
 *
 * <pre>
 * for jc in steps of NC over the columns of C
 *   for pc in steps of KC over k                       B block  kc × nc   (packed once, shared, ~L2)
 *     pack B[pc:pc+kc, jc:jc+nc] into NR-wide panels      (threads split the panels)
 *     for each work unit (rows × columns of C)           (threads claim units one at a time)
 *       pack the unit's rows of A[:, pc:pc+kc] into MR-tall panels
 *       for ir in steps of MR                          A panel  MR × kc   (stays in L1)
 *         for jr in steps of NR                        B panel  kc × NR   (streams from L2)
 *           C[ir:ir+MR, jr:jr+NR] += A panel · B panel   (SgemmKernel, registers only)
 * </pre>
 *
 * Walking jr innermost keeps consecutive C tiles side by side, so the hardware prefetchers follow the C
 * rows. Work units are small (about eight per thread per block) and claimed from a shared counter, so a
 * thread slowed down by another process on its core does not hold the others up. Packing buffers are
 * cached per thread ({@link Scratch}), so a call allocates nothing once its threads have warmed up.
 */
public final class Sgemm {
    /**
     * Depth of a block. A 12 × 512 A panel (24 KiB) stays in L1; a 512 × 1024 B block (2 MiB) fills this
     * machine's L2, yet measured with 2 threads KC = 512 beat 256 by 10–15 % at n = 1024 and 2048 (and 768
     * or 1024): each C tile is loaded and stored k / KC times, and those misses cost more than B's.
     */
    private static final int KC = 512;
    /** Columns of a B block (also measured: 512 and 2048 were slower). */
    private static final int NC = 1024;
    /** Most rows of A one work unit packs at a time. */
    private static final int MC = 96;
    /** Products below this many flops stay on the calling thread (fork-join costs some microseconds). */
    private static final long PARALLEL_MIN_FLOPS = 1L << 21;
    /**
     * Products with at most this many multiply-adds run as plain loops: below about 6 × 6 × 6 the packed
     * path's fixed cost (some 0.3 µs of buffers and bookkeeping, measured) exceeds the whole product.
     */
    private static final int DIRECT_MAX_MULTIPLY_ADDS = 256;
    /** Work units aimed for per thread and block: enough to even out uneven progress. */
    private static final int UNITS_PER_THREAD = 8;

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
        product(parallel, new Operands(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                c, cOff, ldc, accumulate, null, 0));
    }

    /**
     * {@code C = A·B + bias}, the bias {@code bias[biasOff + j]} added to every row: a linear layer. The packed
     * path starts each tile's accumulators from the bias, so the bias costs no pass over C; the other paths
     * add it after the product. Operands as in {@link #multiply}.
     */
    public static void multiplyAddBias(Parallel parallel, int m, int n, int k,
                                       float[] a, int aOff, int aRowStride, int aColStride,
                                       float[] b, int bOff, int bRowStride, int bColStride,
                                       float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        product(parallel, new Operands(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                c, cOff, ldc, false, bias, biasOff));
    }

    private static void product(Parallel parallel, Operands o) {
        int m = o.m, n = o.n, k = o.k;
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!o.accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(o.c, o.cOff + i * o.ldc, o.cOff + i * o.ldc + n, 0f);
                }
                addBias(o);
            }
            return;
        }
        if ((long) m * n * k <= DIRECT_MAX_MULTIPLY_ADDS) {
            multiplyDirect(o);
            addBias(o);
            return;
        }
        if (SgemmThin.tryMultiply(parallel, m, n, k, o.a, o.aOff, o.aRowStride, o.aColStride, o.b, o.bOff,
                o.bRowStride, o.bColStride, o.c, o.cOff, o.ldc, o.accumulate)) {
            addBias(o);
            return;
        }
        boolean threaded = parallel != null && parallel.threads() > 1 && 2L * m * n * k >= PARALLEL_MIN_FLOPS;
        if (SgemmShort.fits(m, k, o.aColStride, o.bRowStride)) {
            SgemmShort.multiply(threaded ? parallel : null, m, n, k, o.a, o.aOff, o.aRowStride, o.b, o.bOff,
                    o.bColStride, o.c, o.cOff, o.ldc, o.accumulate);
            addBias(o);
            return;
        }
        Parallel workers = threaded ? parallel : null;
        int threads = threaded ? parallel.threads() : 1;
        float[] bPack = Scratch.get().bBlock(Math.min(KC, k) * roundUp(Math.min(NC, n), NR));
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            Units units = Units.of(m, nc, threads);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(workers, o, pc, kc, jc, nc, bPack);
                AtomicInteger next = new AtomicInteger();
                Block block = new Block(o, pc, kc, jc, nc, bPack, o.accumulate || pc > 0);
                run(workers, threads, (first, last) -> {
                    Scratch scratch = Scratch.get();
                    for (int u = next.getAndIncrement(); u < units.count(); u = next.getAndIncrement()) {
                        multiplyUnit(block, units, u, scratch);
                    }
                });
            }
        }
    }

    /** The textbook triple loop, for tiny products. */
    private static void multiplyDirect(Operands o) {
        for (int i = 0; i < o.m; i++) {
            for (int j = 0; j < o.n; j++) {
                int at = o.cOff + i * o.ldc + j;
                float sum = o.accumulate ? o.c[at] : 0f;
                for (int p = 0; p < o.k; p++) {
                    sum += o.a[o.aOff + i * o.aRowStride + p * o.aColStride]
                            * o.b[o.bOff + p * o.bRowStride + j * o.bColStride];
                }
                o.c[at] = sum;
            }
        }
    }

    /** C[i, j] += bias[j] for every row, when the operands carry a bias (paths that do not start from it). */
    private static void addBias(Operands o) {
        if (o.bias == null) {
            return;
        }
        for (int i = 0; i < o.m; i++) {
            int row = o.cOff + i * o.ldc;
            int j = 0;
            for (int bound = FLOAT.loopBound(o.n); j < bound; j += FLOAT.length()) {
                FloatVector.fromArray(FLOAT, o.c, row + j).add(FloatVector.fromArray(FLOAT, o.bias, o.biasOff + j))
                        .intoArray(o.c, row + j);
            }
            for (; j < o.n; j++) {
                o.c[row + j] += o.bias[o.biasOff + j];
            }
        }
    }

    /** Packs B[pc:pc+kc, jc:jc+nc] into bPack, the threads taking runs of whole panels. */
    private static void packB(Parallel workers, Operands o, int pc, int kc, int jc, int nc, float[] bPack) {
        int panels = (nc + NR - 1) / NR;
        run(workers, panels, (first, last) -> {
            int col = first * NR;
            SgemmPacking.pack(o.b, o.bOff + pc * o.bRowStride + (jc + col) * o.bColStride, o.bColStride,
                    o.bRowStride, Math.min(nc, last * NR) - col, kc, NR, bPack, col * kc);
        });
    }

    /** One work unit: packs its rows of the A block, then runs the kernel over its tiles of C. */
    private static void multiplyUnit(Block blk, Units units, int unit, Scratch scratch) {
        Operands o = blk.o;
        int rowStart = units.rowStart(unit);
        int rows = Math.min(units.rows(), o.m - rowStart);
        int colStart = units.colStart(unit);
        int cols = Math.min(units.cols(), blk.nc - colStart);
        float[] aPack = scratch.aBlock(blk.kc * roundUp(rows, MR));
        SgemmPacking.pack(o.a, o.aOff + rowStart * o.aRowStride + blk.pc * o.aColStride, o.aRowStride,
                o.aColStride, rows, blk.kc, MR, aPack, 0);
        for (int ir = 0; ir < rows; ir += MR) {
            int tileRows = Math.min(MR, rows - ir);
            for (int jr = colStart; jr < colStart + cols; jr += NR) {
                int tileCols = Math.min(NR, blk.nc - jr);
                int cAt = o.cOff + (rowStart + ir) * o.ldc + blk.jc + jr;
                // The first depth block starts C from the bias (null: zero); later ones add to C.
                float[] bias = blk.add ? null : o.bias;
                int biasAt = o.biasOff + blk.jc + jr;
                if (tileRows == MR && tileCols == NR) {
                    SgemmKernel.multiply(blk.kc, aPack, ir * blk.kc, blk.bPack, jr * blk.kc, o.c, cAt, o.ldc, blk.add,
                            bias, biasAt);
                } else {
                    float[] edge = scratch.edgeTile();
                    SgemmKernel.multiply(blk.kc, aPack, ir * blk.kc, blk.bPack, jr * blk.kc, edge, 0, NR, false,
                            null, 0);
                    mergeEdge(edge, tileRows, tileCols, o.c, cAt, o.ldc, blk.add, bias, biasAt);
                }
            }
        }
    }

    /**
     * Copies (or adds) the valid rows × cols corner of a full tile computed into {@code edge}; when copying,
     * {@code bias[biasAt + j]} (if non-null) is added to each row, as the full tiles start from it.
     */
    private static void mergeEdge(float[] edge, int rows, int cols, float[] c, int cAt, int ldc, boolean add,
                                  float[] bias, int biasAt) {
        for (int r = 0; r < rows; r++) {
            int ci = cAt + r * ldc;
            for (int j = 0; j < cols; j++) {
                float value = edge[r * NR + j];
                if (add) {
                    value += c[ci + j];
                } else if (bias != null) {
                    value += bias[biasAt + j];
                }
                c[ci + j] = value;
            }
        }
    }

    /** Runs task over [0, n) on the workers, or entirely on this thread when there are none. */
    private static void run(Parallel workers, int n, Parallel.RangeTask task) {
        if (workers == null) {
            task.run(0, n);
        } else {
            workers.forRange(n, 1, task);
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** The arguments of one {@link #multiply} call, shared by its threads. */
    private record Operands(int m, int n, int k,
                            float[] a, int aOff, int aRowStride, int aColStride,
                            float[] b, int bOff, int bRowStride, int bColStride,
                            float[] c, int cOff, int ldc, boolean accumulate, float[] bias, int biasOff) {
    }

    /** One packed B block and where it sits: rows pc..pc+kc of B, columns jc..jc+nc. */
    private record Block(Operands o, int pc, int kc, int jc, int nc, float[] bPack, boolean add) {
    }

    /**
     * The split of an m × nc block of C into units of {@code rows × cols} (whole tiles), numbered row-major.
     * Rows are cut first (each unit packs only its own rows of A); columns are cut too when there are too
     * few row units to keep every thread busy, as for a short, wide product.
     */
    private record Units(int rows, int cols, int rowUnits, int colUnits) {
        static Units of(int m, int nc, int threads) {
            int rowPanels = (m + MR - 1) / MR;
            int colPanels = (nc + NR - 1) / NR;
            int target = threads == 1 ? 1 : UNITS_PER_THREAD * threads;
            int panelsPerRowUnit = Math.max(1, Math.min(MC / MR, rowPanels / target));
            int rowUnits = (rowPanels + panelsPerRowUnit - 1) / panelsPerRowUnit;
            int colUnits = Math.min(colPanels, (target + rowUnits - 1) / rowUnits);
            int panelsPerColUnit = (colPanels + colUnits - 1) / colUnits;
            colUnits = (colPanels + panelsPerColUnit - 1) / panelsPerColUnit;
            return new Units(panelsPerRowUnit * MR, panelsPerColUnit * NR, rowUnits, colUnits);
        }

        int count() {
            return rowUnits * colUnits;
        }

        int rowStart(int unit) {
            return unit / colUnits * rows;
        }

        int colStart(int unit) {
            return unit % colUnits * cols;
        }
    }
}
