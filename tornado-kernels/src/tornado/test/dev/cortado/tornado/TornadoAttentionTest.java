package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static dev.cortado.tornado.DeviceCheck.backend;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Attention forward and backward on the device (the Backend defaults composed of device matmul, scaling, mask and
 * softmax) against the CPU backend's fused kernel, on head views of a projected tensor with a key-padding mask.
 */
class TornadoAttentionTest {
    private static final CpuBackend CPU = new CpuBackend(2);

    @Test
    void forwardAndBackwardMatchTheFusedCpuKernel() {
        int b = 2, h = 3, lq = 7, lk = 9, d = 8;
        Tensor q = heads(Tensor.randn(1, b, lq, h * d), h);
        Tensor k = heads(Tensor.randn(2, b, lk, h * d), h);
        Tensor v = heads(Tensor.randn(3, b, lk, h * d), h);
        float[] padding = new float[b * lk];
        padding[lk - 1] = Float.NEGATIVE_INFINITY;
        padding[lk + 2] = -1.5f;
        Tensor mask = Tensor.fromArray(padding, b, 1, 1, lk).expand(b, h, lq, lk);
        Tensor gradOut = Tensor.randn(4, b, h, lq, d);
        float scale = (float) (1 / Math.sqrt(d));

        Tensor expectedOut = Tensor.empty(DType.FLOAT32, b, h, lq, d);
        Tensor expectedProbs = Tensor.empty(DType.FLOAT32, b, h, lq, lk);
        CPU.attention(q, k, v, mask, scale, expectedOut, expectedProbs);
        Tensor out = Tensor.empty(DType.FLOAT32, b, h, lq, d);
        Tensor probs = Tensor.empty(DType.FLOAT32, b, h, lq, lk);
        backend().attention(q, k, v, mask, scale, out, probs);
        assertClose(expectedProbs, probs, "attention probabilities");
        assertClose(expectedOut, out, "attention output");

        Tensor[] expected = {Tensor.empty(DType.FLOAT32, b, h, lq, d), Tensor.empty(DType.FLOAT32, b, h, lk, d),
            Tensor.empty(DType.FLOAT32, b, h, lk, d)};
        Tensor[] actual = {Tensor.empty(DType.FLOAT32, b, h, lq, d), Tensor.empty(DType.FLOAT32, b, h, lk, d),
            Tensor.empty(DType.FLOAT32, b, h, lk, d)};
        CPU.attentionBackward(q, k, v, expectedProbs, gradOut, scale, expected[0], expected[1], expected[2]);
        backend().attentionBackward(q, k, v, probs, gradOut, scale, actual[0], actual[1], actual[2]);
        String[] names = {"dQ", "dK", "dV"};
        for (int i = 0; i < 3; i++) {
            assertClose(expected[i], actual[i], "attention backward " + names[i]);
        }
    }

    private static Tensor heads(Tensor x, int h) {
        int[] s = x.shape();
        return x.reshape(s[0], s[1], h, s[2] / h).permute(0, 2, 1, 3);
    }
}
