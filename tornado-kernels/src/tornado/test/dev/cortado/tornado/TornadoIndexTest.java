package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static dev.cortado.tornado.DeviceCheck.backend;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.cpu.CpuBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Gather, index_select and scatter-add (embedding lookup and its gradient) on the device against the CPU backend. */
class TornadoIndexTest {
    private static final CpuBackend CPU = new CpuBackend(2);

    /** An INT64 tensor of {@code shape} with values drawn from [0, bound): repeats are certain when it has more than bound elements. */
    private static Tensor indices(long seed, int bound, int... shape) {
        Random random = new Random(seed);
        long[] values = new long[count(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(bound);
        }
        return Tensor.fromLongs(values, shape);
    }

    private static Tensor copyOf(Tensor t) {
        Tensor copy = Tensor.empty(DType.FLOAT32, t.shape());
        CPU.copy(t, copy);
        return copy;
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int size : shape) {
            n *= size;
        }
        return n;
    }

    @Test
    void embeddingLookupWithRepeatedRows() {
        Tensor table = Tensor.randn(1, 50, 24);
        Tensor ids = indices(2, 50, 80);                                   // 80 ids over 50 rows: repeats
        Tensor expected = Tensor.empty(DType.FLOAT32, 80, 24);
        Tensor actual = Tensor.empty(DType.FLOAT32, 80, 24);
        CPU.indexSelect(table, 0, ids, expected);
        backend().indexSelect(table, 0, ids, actual);
        assertClose(expected, actual, "indexSelect [50,24] dim 0, 80 ids");
    }

    @Test
    void indexSelectOfAMiddleDimOfATransposedTensor() {
        Tensor x = Tensor.randn(3, 5, 10, 6).permute(2, 1, 0);             // [6, 10, 5], not contiguous
        Tensor ids = indices(4, 10, 7).narrow(0, 1, 5);                    // offset view of the index
        Tensor expected = Tensor.empty(DType.FLOAT32, 6, 5, 5);
        Tensor actual = Tensor.empty(DType.FLOAT32, 6, 5, 5);
        CPU.indexSelect(x, 1, ids, expected);
        backend().indexSelect(x, 1, ids, actual);
        assertClose(expected, actual, "indexSelect [6,10,5]^T dim 1");
    }

    @Test
    void gatherWithAnIndexSmallerThanX() {
        Tensor x = Tensor.randn(5, 4, 7, 6);
        Tensor index = indices(6, 7, 5, 4, 3).permute(1, 2, 0);           // [4, 3, 5]: transposed index
        Tensor expected = Tensor.empty(DType.FLOAT32, 4, 3, 5);
        Tensor actual = Tensor.empty(DType.FLOAT32, 4, 3, 5);
        CPU.gather(x, 1, index, expected);
        backend().gather(x, 1, index, actual);
        assertClose(expected, actual, "gather [4,7,6] dim 1 by [4,3,5]");
    }

    @Test
    void embeddingGradientSumsRepeatedRows() {
        Tensor ids = indices(7, 30, 64);                                   // 64 ids over 30 rows: repeats
        Tensor index = ids.view(64, 1).expand(64, 16);
        Tensor grad = Tensor.randn(8, 16, 64).t();                         // [64, 16], not contiguous
        Tensor expected = Tensor.randn(9, 30, 16);
        Tensor actual = copyOf(expected);
        CPU.scatterAdd(expected, 0, index, grad);
        backend().scatterAdd(actual, 0, index, grad);
        assertClose(expected, actual, "scatterAdd [30,16] dim 0, 64 ids");
    }

    @Test
    void scatterAddIntoAViewAlongTheLastDimFromALargerSource() {
        Tensor base = Tensor.randn(10, 9, 4);
        Tensor cpuBase = copyOf(base);   // dst is [9, 4] here, [4, 9]^T below
        Tensor index = indices(11, 4, 6, 12);                              // dst rows 0..5 of 9, 12 adds into 4 columns
        Tensor src = Tensor.randn(12, 7, 15);                              // larger than index in both dims
        CPU.scatterAdd(cpuBase, 1, index, src);
        backend().scatterAdd(base, 1, index, src);
        assertClose(cpuBase, base, "scatterAdd [9,4] dim 1 by [6,12]");
        Tensor transposedDst = Tensor.randn(13, 4, 9);
        Tensor cpuDst = copyOf(transposedDst);
        CPU.scatterAdd(cpuDst.t(), 1, index, src);
        backend().scatterAdd(transposedDst.t(), 1, index, src);
        assertClose(cpuDst, transposedDst, "scatterAdd [4,9]^T dim 1 by [6,12]");
    }

    @Test
    void anIndexOutOfRangeIsRefused() {
        Tensor table = Tensor.randn(14, 5, 3);
        Tensor out = Tensor.empty(DType.FLOAT32, 2, 3);
        assertThrows(IllegalArgumentException.class,
                () -> backend().indexSelect(table, 0, Tensor.fromLongs(new long[] {1, 5}, 2), out));
    }
}
