package dev.cortado.tensor.cpu;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LayerNorm;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Softmax;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.UnaryOp;

/**
 * A digest of the bits of every CPU kernel whose result could depend on how the JIT compiled it: the
 * transcendental unary ops and their gradients, softmax and log-softmax (forward and backward), layer norm
 * (forward and backward), sums, and matrix products on each SGEMM path (packed, short batch, thin, small
 * batched). {@link TierDeterminismTest} compares the digest of compiled code with an interpreted JVM's.
 * The inputs are small so that the interpreter finishes in seconds.
 */
public final class TierDigest {
    private TierDigest() {
    }

    /** Prints the digest (as hex) computed {@code args[0]} times in a row; the last one is printed. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long digest = 0;
        for (int i = 0; i < rounds; i++) {
            digest = digest();
        }
        System.out.println(Long.toHexString(digest));
    }

    static long digest() {
        long h = 17;
        Tensor x = Elementwise.mul(Tensor.randn(1, 7, 67), 3f);
        Tensor g = Tensor.randn(2, 7, 67);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.GELU_ERF,
                UnaryOp.GELU_TANH, UnaryOp.SILU, UnaryOp.ERF, UnaryOp.SIN, UnaryOp.COS}) {
            h = mix(h, Elementwise.unary(op, x));
            h = mix(h, Elementwise.unaryBackward(op, x, g));
        }
        Tensor positive = Elementwise.add(Elementwise.abs(x), 1e-3f);
        h = mix(h, Elementwise.log(positive));
        h = mix(h, Elementwise.unaryBackward(UnaryOp.LOG, positive, g));
        h = mix(h, Elementwise.pow(positive, 1.7f));
        Tensor y = Softmax.softmax(x, 1);
        h = mix(h, y);
        h = mix(h, Softmax.softmaxBackward(y, g, 1));
        Tensor logY = Softmax.logSoftmax(x, 1);
        h = mix(h, logY);
        h = mix(h, Softmax.logSoftmaxBackward(logY, g, 1));
        h = mix(h, Reductions.logsumexp(x, new int[] {1}, false));
        h = mix(h, Reductions.sum(x, new int[] {1}, false));
        h = mix(h, Reductions.sum(x, new int[] {0}, false));
        h = mix(h, Reductions.var(x, new int[] {1}, 1, false));
        Tensor weight = Tensor.randn(3, 67);
        Tensor bias = Tensor.randn(4, 67);
        LayerNorm.Result norm = LayerNorm.layerNormWithStats(x, new int[] {67}, weight, bias, 1e-5f);
        h = mix(h, norm.output());
        LayerNorm.Gradients grads = LayerNorm.layerNormBackward(x, new int[] {67}, weight, norm.mean(), norm.rstd(),
                g, true, true);
        h = mix(h, grads.input());
        h = mix(h, grads.weight());
        h = mix(h, grads.bias());
        // Packed SGEMM, a short batch times a transposed weight, a thin product, and small batched products.
        h = mix(h, LinearAlgebra.matmul(Tensor.randn(5, 40, 70), Tensor.randn(6, 70, 50)));
        h = mix(h, LinearAlgebra.matmul(Tensor.randn(7, 3, 70), Tensor.randn(8, 50, 70).transpose(0, 1)));
        h = mix(h, LinearAlgebra.matmul(Tensor.randn(9, 40, 70), Tensor.randn(10, 70, 1)));
        h = mix(h, LinearAlgebra.matmul(Tensor.randn(11, 6, 9, 20), Tensor.randn(12, 6, 20, 9)));
        return h;
    }

    private static long mix(long h, Tensor t) {
        float[] values = t.toFloatArray();
        for (float v : values) {
            h = h * 0x9E3779B97F4A7C15L + Float.floatToRawIntBits(v);
        }
        return h;
    }
}
