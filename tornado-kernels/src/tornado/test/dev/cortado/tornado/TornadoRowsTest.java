package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static dev.cortado.tornado.DeviceCheck.backend;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Reductions, softmax / log-softmax and layer norm, forward and backward, on the device against the CPU backend. */
class TornadoRowsTest {
    private static final CpuBackend CPU = new CpuBackend(2);

    @Test
    void reductionsOverTheTrailingDims() {
        Tensor x = Tensor.randn(1, 40, 3, 7).permute(2, 1, 0);      // [7, 3, 40], not contiguous
        for (ReduceOp op : ReduceOp.values()) {
            for (int reducedDims = 1; reducedDims <= 2; reducedDims++) {
                int rows = reducedDims == 1 ? 21 : 7;
                Tensor expected = Tensor.empty(DType.FLOAT32, rows);
                Tensor actual = Tensor.empty(DType.FLOAT32, rows);
                CPU.reduce(op, x, reducedDims, expected);
                backend().reduce(op, x, reducedDims, actual);
                assertClose(expected, actual, "reduce " + op + " over last " + reducedDims + " of [7,3,40]");
            }
        }
    }

    @Test
    void softmaxAndLogSoftmaxForwardAndBackward() {
        Tensor x = Tensor.randn(2, 3, 3, 50);                        // rows are every leading index
        Tensor gradOut = Tensor.randn(3, 3, 3, 50);
        for (boolean log : new boolean[] {false, true}) {
            String name = log ? "log-softmax" : "softmax";
            Tensor y = Tensor.empty(DType.FLOAT32, 3, 3, 50);
            Tensor actual = Tensor.empty(DType.FLOAT32, 3, 3, 50);
            CPU.softmax(x, y, log);
            backend().softmax(x, actual, log);
            assertClose(y, actual, name + " [3,3,50]");

            Tensor expectedGrad = Tensor.empty(DType.FLOAT32, 3, 3, 50);
            Tensor actualGrad = Tensor.empty(DType.FLOAT32, 3, 3, 50);
            CPU.softmaxBackward(y, gradOut, expectedGrad, log);
            backend().softmaxBackward(y, gradOut, actualGrad, log);
            assertClose(expectedGrad, actualGrad, name + " backward [3,3,50]");
        }
    }

    @Test
    void layerNormForwardAndBackward() {
        int rows = 10;
        int n = 64;
        Tensor x = Tensor.randn(4, 2, rows / 2, n);                 // [2, 5, 64]: 10 rows
        Tensor weight = Tensor.randn(5, n);
        Tensor bias = Tensor.randn(6, n);
        Tensor gradOut = Tensor.randn(7, 2, rows / 2, n);
        for (boolean affine : new boolean[] {true, false}) {
            Tensor w = affine ? weight : null;
            Tensor b = affine ? bias : null;
            String name = "layer norm" + (affine ? "" : " (no weight, bias)");
            Tensor out = Tensor.empty(DType.FLOAT32, 2, rows / 2, n);
            Tensor mean = Tensor.empty(DType.FLOAT32, rows);
            Tensor rstd = Tensor.empty(DType.FLOAT32, rows);
            CPU.layerNorm(x, w, b, 1e-5f, out, mean, rstd);
            Tensor deviceOut = Tensor.empty(DType.FLOAT32, 2, rows / 2, n);
            Tensor deviceMean = Tensor.empty(DType.FLOAT32, rows);
            Tensor deviceRstd = Tensor.empty(DType.FLOAT32, rows);
            backend().layerNorm(x, w, b, 1e-5f, deviceOut, deviceMean, deviceRstd);
            assertClose(out, deviceOut, name + " [2,5,64]");
            assertClose(mean, deviceMean, name + " mean");
            assertClose(rstd, deviceRstd, name + " rstd");

            Tensor gradIn = Tensor.empty(DType.FLOAT32, 2, rows / 2, n);
            Tensor gradWeight = affine ? Tensor.empty(DType.FLOAT32, n) : null;
            Tensor gradBias = affine ? Tensor.empty(DType.FLOAT32, n) : null;
            CPU.layerNormBackward(x, w, mean, rstd, gradOut, gradIn, gradWeight, gradBias);
            Tensor deviceGradIn = Tensor.empty(DType.FLOAT32, 2, rows / 2, n);
            Tensor deviceGradWeight = affine ? Tensor.empty(DType.FLOAT32, n) : null;
            Tensor deviceGradBias = affine ? Tensor.empty(DType.FLOAT32, n) : null;
            backend().layerNormBackward(x, w, mean, rstd, gradOut, deviceGradIn, deviceGradWeight, deviceGradBias);
            assertClose(gradIn, deviceGradIn, name + " backward gradIn");
            if (affine) {
                assertClose(gradWeight, deviceGradWeight, name + " backward gradWeight");
                assertClose(gradBias, deviceGradBias, name + " backward gradBias");
            }
        }
    }
}
