package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static dev.cortado.tornado.DeviceCheck.backend;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tornado.graphs.MatmulGraph;
import dev.cortado.tornado.kernels.MatmulKernels;
import org.junit.jupiter.api.Test;

/** The tiled SGEMM on the device against the CPU backend's matmul, for every way an operand can be laid out. */
class TornadoMatmulTest {
    private static final CpuBackend CPU = new CpuBackend(2);

    private static void check(String what, Tensor a, Tensor b) {
        int[] out = {a.size(0), a.size(1), b.size(2)};
        Tensor expected = Tensor.empty(DType.FLOAT32, out);
        CPU.matmul(a, b, expected);
        Tensor actual = Tensor.empty(DType.FLOAT32, out);
        backend().matmul(a, b, actual);
        assertClose(expected, actual, "matmul " + what);
    }

    @Test
    void raggedSizesThatAreNoMultipleOfTheTile() {
        check("[1,33,29]x[1,29,47]", Tensor.randn(1, 1, 33, 29), Tensor.randn(2, 1, 29, 47));
        check("[1,1,1]x[1,1,1]", Tensor.randn(3, 1, 1, 1), Tensor.randn(4, 1, 1, 1));
    }

    @Test
    void raggedSizesAcrossTheRegisterTiles() {
        check("[1,65,17]x[1,17,130]", Tensor.randn(15, 1, 65, 17), Tensor.randn(16, 1, 17, 130));
        check("[2,1,300]x[2,300,3]", Tensor.randn(17, 2, 1, 300), Tensor.randn(18, 2, 300, 3));
    }

    @Test
    void severalTilesInEveryDimension() {
        check("[1,200,150]x[1,150,190]", Tensor.randn(19, 1, 200, 150), Tensor.randn(20, 1, 150, 190));
        Tensor aT = Tensor.randn(21, 1, 70, 130).transpose(1, 2);        // [1, 130, 70], loaded row-fastest
        Tensor bT = Tensor.randn(22, 1, 100, 70).transpose(1, 2);        // [1, 70, 100], loaded K-fastest
        check("a^T b^T [1,130,70]x[1,70,100]", aT, bT);
    }

    @Test
    void batchedSquare() {
        check("[3,64,64]x[3,64,64]", Tensor.randn(5, 3, 64, 64), Tensor.randn(6, 3, 64, 64));
    }

    @Test
    void manyOutputTilesTakeTheLargeTiling() {
        // 256 whole 128 × 128 tiles of c (MatmulGraph.LARGE_TILES), each with ragged rows and columns beside it.
        assertEquals(MatmulKernels.TILE, MatmulGraph.tiling(256, 130, 129).tile());
        assertEquals(MatmulKernels.TILE, MatmulGraph.tiling(256, 131, 133).tile());
        check("[256,130,70]x[256,70,129]", Tensor.randn(23, 256, 130, 70), Tensor.randn(24, 256, 70, 129));
        Tensor aT = Tensor.randn(25, 256, 37, 131).transpose(1, 2);      // [256, 131, 37], loaded row-fastest
        Tensor weightT = Tensor.randn(26, 133, 37).t().unsqueeze(0).expand(256, 37, 133);
        check("a^T [256,131,37]x W^T broadcast [37,133]", aT, weightT);
    }

    @Test
    void longInnerDimensionAcrossManyTiles() {
        check("[2,48,700]x[2,700,40]", Tensor.randn(13, 2, 48, 700), Tensor.randn(14, 2, 700, 40));
    }

    @Test
    void transposedOperandsTravelWithTheirStrides() {
        Tensor aT = Tensor.randn(7, 2, 40, 24).transpose(1, 2);          // [2, 24, 40], column-major rows
        Tensor bT = Tensor.randn(8, 2, 36, 40).transpose(1, 2);          // [2, 40, 36]
        check("a^T b^T [2,24,40]x[2,40,36]", aT, bT);
    }

    @Test
    void broadcastBatchHasStrideZero() {
        Tensor a = Tensor.randn(9, 4, 17, 32);
        Tensor weightT = Tensor.randn(10, 20, 32).t().unsqueeze(0).expand(4, 32, 20);   // x · Wᵀ of a Linear
        check("[4,17,32]x W^T broadcast", a, weightT);
    }

    @Test
    void thinSliceOfALargeTensorIsPackedDensely() {
        Tensor a = Tensor.randn(11, 2, 19, 96).narrow(2, 8, 24);          // range ≫ numel: packed path
        check("sliced a [2,19,24]x[2,24,21]", a, Tensor.randn(12, 2, 24, 21));
    }
}
