package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.cpu.Parallel;
import dev.cortado.tensor.cpu.Sgemm;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU matmul (Sgemm) against the reference over sizes that are and are not multiples of the vector
 * length and of the kernel's 12 × 2-vector tiles, k across more than one 512-deep block, strided, transposed and
 * broadcast operands, and on backends with 1, 2 and 3 threads.
 *
 * <p>Tolerance: the reference sums in double; the CPU sums K float products (blocked, with FMA). With
 * inputs of unit variance the exact entries have size ~√K and each of the K roundings adds an error of at
 * most u·|partial sum| (u = 2^-24 ≈ 6e-8), a random walk of typical size u·K/√2 ≈ 4e-8·K. The bound
 * {@code atol = 1e-5·√K} (plus rtol 1e-5) sits far above that for every K here (it is larger while
 * K &lt; ~5·10^4) yet far below the error of a wrong index, which is of the order of the entries (~√K).
 */
class MatmulEquivalenceTest {
    private static final List<Backend> CPU_BACKENDS = List.of(CpuBackend.shared(), new CpuBackend(1),
            new CpuBackend(3));

    private static double atol(int k) {
        return 1e-5 * Math.sqrt(Math.max(k, 1));
    }

    /** m, k, n triples: edge sizes, tile and vector non-multiples, several k blocks, a thin gemv. */
    static List<int[]> sizes() {
        return List.of(new int[] {1, 1, 1}, new int[] {1, 7, 1}, new int[] {7, 1, 7}, new int[] {2, 3, 4},
                new int[] {17, 33, 5}, new int[] {33, 17, 100}, new int[] {12, 256, 32}, new int[] {13, 257, 33},
                new int[] {100, 100, 100}, new int[] {128, 300, 129}, new int[] {1, 300, 200},
                new int[] {200, 300, 1}, new int[] {97, 520, 65}, new int[] {20, 8, 1100}, new int[] {130, 40, 7});
    }

    /** An m × k operand as a plain tensor, a transposed view, or a view taking every other column. */
    enum Layout {
        DENSE, TRANSPOSED, STEPPED;

        Tensor matrix(int rows, int cols, long seed) {
            return switch (this) {
                case DENSE -> Tensor.randn(seed, rows, cols);
                case TRANSPOSED -> Tensor.randn(seed, cols, rows).t();
                case STEPPED -> Tensor.randn(seed, rows, 2 * cols + 1).slice(1, 1, 2 * cols + 1, 2);
            };
        }
    }

    static List<Arguments> matrixCases() {
        List<Arguments> cases = new ArrayList<>();
        int seed = 0;
        for (int[] s : sizes()) {
            for (Layout la : Layout.values()) {
                for (Layout lb : Layout.values()) {
                    if (la == Layout.DENSE || lb == Layout.DENSE || (s[0] * s[1] * s[2] < 1e5 && la == lb)) {
                        cases.add(Arguments.of(s[0], s[1], s[2], la, lb, seed++));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "[{0}x{1}]·[{1}x{2}] {3}·{4}")
    @MethodSource("matrixCases")
    void matrixProductMatchesReference(int m, int k, int n, Layout la, Layout lb, int seed) {
        Tensor a = la.matrix(m, k, 2 * seed);
        Tensor b = lb.matrix(k, n, 2 * seed + 1);
        compare(a, b, k);
    }

    static List<Arguments> shapeCases() {
        return List.of(
                Arguments.of("dot", new int[] {37}, new int[] {37}),
                Arguments.of("matrix·vector", new int[] {19, 37}, new int[] {37}),
                Arguments.of("vector·matrix", new int[] {37}, new int[] {37, 21}),
                Arguments.of("batch·vector", new int[] {3, 19, 37}, new int[] {37}),
                Arguments.of("vector·batch", new int[] {37}, new int[] {3, 37, 21}),
                Arguments.of("batch·matrix (folded into one product)", new int[] {2, 5, 19, 37}, new int[] {37, 40}),
                Arguments.of("matrix·batch", new int[] {19, 37}, new int[] {4, 37, 21}),
                Arguments.of("broadcast batch dims", new int[] {3, 1, 13, 9}, new int[] {4, 9, 17}),
                Arguments.of("equal batches", new int[] {6, 13, 50}, new int[] {6, 50, 35}),
                Arguments.of("many small products", new int[] {64, 5, 7}, new int[] {64, 7, 3}),
                Arguments.of("attention-sized products (small-product kernel)", new int[] {8, 50, 50}, new int[] {8, 50, 32}),
                Arguments.of("small products, odd sides", new int[] {5, 3, 45, 61}, new int[] {5, 3, 61, 71}),
                Arguments.of("K = 0", new int[] {2, 5, 0}, new int[] {0, 4}),
                Arguments.of("M = 0", new int[] {0, 5}, new int[] {5, 4}),
                Arguments.of("N = 0", new int[] {3, 5}, new int[] {2, 5, 0}),
                Arguments.of("batch 0", new int[] {0, 3, 5}, new int[] {5, 4}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapeCases")
    void batchedAndVectorShapesMatchReference(String name, int[] aShape, int[] bShape) {
        Tensor a = Tensor.randn(11, aShape);
        Tensor b = Tensor.randn(12, bShape);
        compare(a, b, aShape[aShape.length - 1]);
    }

    @Test
    void permutedBatchesThatCannotMergeMatchReference() {
        // a's batch dims [4, 3] come from permuting a [3, 4, ...] tensor: no single batch stride exists.
        Tensor a = Tensor.randn(21, 3, 4, 10, 14).permute(1, 0, 2, 3);
        // b: batch-major in memory but each matrix transposed.
        Tensor b = Tensor.randn(22, 4, 3, 9, 14).transpose(2, 3);
        compare(a, b, 14);
        // a broadcast over a middle batch dim (stride 0) next to real ones.
        compare(Tensor.randn(23, 2, 1, 8, 6).expand(2, 5, 8, 6), Tensor.randn(24, 2, 5, 6, 30), 6);
        // Few rows times a transposed weight (a linear layer on a short batch): the dot-product kernel, with
        // 8-row blocks, a remainder row and a k that is not a multiple of any vector width.
        compare(Tensor.randn(27, 19, 387), Tensor.randn(28, 205, 387).t(), 387);
        compare(Tensor.randn(29, 2, 8, 37), Tensor.randn(30, 29, 37).t(), 37);
        // Transposed A with a row-contiguous B (attention's dV = Pᵀ·dO) through the small-product kernel.
        compare(Tensor.randn(25, 6, 50, 50).transpose(1, 2), Tensor.randn(26, 6, 50, 33), 50);
    }

    @Test
    void kernelWritesIntoTransposedOutputView() {
        Tensor a = Tensor.randn(31, 2, 13, 20);
        Tensor b = Tensor.randn(32, 2, 20, 17);
        Tensor expected = Tensor.zeros(2, 17, 13).transpose(1, 2);
        ReferenceBackend.INSTANCE.matmul(a, b, expected);
        for (Backend cpu : CPU_BACKENDS) {
            Tensor out = Tensor.zeros(2, 17, 13).transpose(1, 2);
            cpu.matmul(a, b, out);
            assertClose(expected, out, atol(20), 1e-5, "matmul into a transposed view on " + cpu);
        }
    }

    private static void compare(Tensor a, Tensor b, int k) {
        Tensor expected;
        try (var scope = Backends.use(ReferenceBackend.INSTANCE)) {
            expected = LinearAlgebra.matmul(a, b);
        }
        for (Backend cpu : CPU_BACKENDS) {
            try (var scope = Backends.use(cpu)) {
                assertClose(expected, LinearAlgebra.matmul(a, b), atol(k), 1e-5, "matmul on " + cpu);
            }
        }
    }

    static List<Arguments> sizeArguments() {
        return sizes().stream().map(s -> Arguments.of(s[0], s[1], s[2])).toList();
    }

    /**
     * Sgemm on raw arrays: offsets, padded rows (ldc > n), accumulate = true, B row-major and transposed
     * (which picks different thin-product loops), serial and with threads.
     */
    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @MethodSource("sizeArguments")
    void sgemmAccumulatesIntoPaddedOutput(int m, int k, int n) {
        SplittableRandom random = new SplittableRandom(m * 1_000_003L + k * 1009L + n);
        int lda = k + 3;
        int ldc = n + 2;
        float[] a = randomArray(random, 1 + m * lda);
        float[] c0 = randomArray(random, 3 + m * ldc);
        for (boolean transposedB : new boolean[] {false, true}) {
            // B[p, j] at b[2 + p·bRowStride + j·bColStride], rows padded to n + 5 or columns to k + 5.
            int bRowStride = transposedB ? 1 : n + 5;
            int bColStride = transposedB ? k + 5 : 1;
            float[] b = randomArray(random, 2 + Math.max(k * bRowStride, n * bColStride));
            for (Parallel parallel : new Parallel[] {null, new Parallel(2)}) {
                float[] c = c0.clone();
                Sgemm.multiply(parallel, m, n, k, a, 1, lda, 1, b, 2, bRowStride, bColStride, c, 3, ldc, true);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < ldc; j++) {
                        int at = 3 + i * ldc + j;
                        if (j >= n) {
                            assertEquals(c0[at], c[at], "padding column " + j + " of row " + i + " was written");
                            continue;
                        }
                        double sum = c0[at];
                        for (int p = 0; p < k; p++) {
                            sum += (double) a[1 + i * lda + p] * b[2 + p * bRowStride + j * bColStride];
                        }
                        assertEquals(sum, c[at], atol(k) + 1e-5 * Math.abs(sum),
                                "C[" + i + ", " + j + "] with B " + (transposedB ? "transposed" : "row-major"));
                    }
                }
            }
        }
    }

    private static float[] randomArray(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (2 * random.nextDouble() - 1);
        }
        return values;
    }
}
