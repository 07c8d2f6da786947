package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tensor.cpu.CpuBackend;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The vector CPU backend against the scalar reference on elementwise ops, reductions, softmax and layer
 * norm. Sizes straddle every vector width (1, 7, 15, 16, 17, 33, 100, 1000 + odd) and inputs are
 * contiguous, transposed, step-sliced and broadcast views. Surefire runs this class at 512, 256 and 128
 * bits. Large enough cases (≥ 32K elements) also exercise the multi-threaded split.
 */
class ElementwiseEquivalenceTest {
    private static final Backend CPU = new CpuBackend(2);
    private static final int[] SIZES = {1, 7, 15, 16, 17, 33, 100, 1031, 40_000};

    static Tensor onBoth(String what, double atol, double rtol, Supplier<Tensor> op) {
        return BackendCases.assertCpuMatchesReference(CPU, what, atol, rtol, op);
    }

    static Tensor scaledRandn(long seed, float scale, int... shape) {
        return Elementwise.mul(Tensor.randn(seed, shape), scale);
    }

    /** A few layouts of the same logical [rows, cols] values: dense, transposed and step-sliced. */
    static Tensor[] layouts(long seed, int rows, int cols) {
        Tensor dense = scaledRandn(seed, 3f, rows, cols);
        Tensor transposed = scaledRandn(seed + 1, 3f, cols, rows).t();
        Tensor sliced = scaledRandn(seed + 2, 3f, rows, 2 * cols + 1).slice(1, 1, 2 * cols + 1, 2);
        return new Tensor[] {dense, transposed, sliced};
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOps(UnaryOp op) {
        for (int n : SIZES) {
            for (Tensor x : layouts(n, 3, n)) {
                Tensor input = switch (op) {
                    case LOG, SQRT, RSQRT -> Elementwise.abs(x);
                    default -> x;
                };
                onBoth(op + " n=" + n, 1e-6, 4e-7, () -> Elementwise.unary(op, input));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryBackward(UnaryOp op) {
        for (int n : SIZES) {
            Tensor[] xs = layouts(n, 3, n);
            Tensor[] grads = layouts(n + 7, 3, n);
            for (int i = 0; i < xs.length; i++) {
                Tensor input = switch (op) {
                    case LOG, SQRT, RSQRT, RECIPROCAL -> Elementwise.add(Elementwise.abs(xs[i]), 0.1f);
                    default -> xs[i];
                };
                Tensor grad = grads[(i + 1) % grads.length];
                onBoth(op + " backward n=" + n, 1e-5, 2e-6, () -> Elementwise.unaryBackward(op, input, grad));
            }
        }
    }

    @Test
    void dropoutDrawsTheSameMaskInParallel() {
        Tensor x = Tensor.randn(3, 300, 333);   // 99,900 elements: split over both threads
        for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
            Tensor out = onBoth("dropout p=" + p, 0, 0, () -> Elementwise.dropout(x, p, 42));
            // The mask is Tensor.rand(seed)'s stream: kept exactly where that draw is >= p.
            Tensor kept = Elementwise.compare(CompareOp.GE, Tensor.rand(42, x.shape()), p);
            onBoth("dropout mask p=" + p, 0, 0, () -> Elementwise.compare(CompareOp.NE, out, Tensor.scalar(0f)));
            TensorAssert.assertSame(kept, Elementwise.compare(CompareOp.NE, out, Tensor.scalar(0f)), "mask p=" + p);
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryOpsWithBroadcasting(BinaryOp op) {
        for (int n : SIZES) {
            Tensor[] xs = layouts(10 + n, 4, n);
            Tensor row = Tensor.randn(n, n);
            Tensor column = Tensor.randn(n + 1, 4, 1);
            for (Tensor x : xs) {
                Tensor a = op == BinaryOp.POW ? Elementwise.abs(x) : x;
                double rtol = op == BinaryOp.POW ? 4e-7 : 0;
                onBoth(op + " same n=" + n, 0, rtol, () -> Elementwise.binary(op, a, xs[2]));
                onBoth(op + " row n=" + n, 0, rtol, () -> Elementwise.binary(op, a, row));
                onBoth(op + " column n=" + n, 0, rtol, () -> Elementwise.binary(op, a, column));
                onBoth(op + " scalar n=" + n, 0, rtol, () -> Elementwise.binary(op, a, Tensor.scalar(1.5f)));
                onBoth(op + " scalar first n=" + n, 0, rtol, () -> Elementwise.binary(op, Tensor.scalar(1.5f), a));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CompareOp.class)
    void comparisons(CompareOp op) {
        for (int n : SIZES) {
            Tensor a = Elementwise.unary(UnaryOp.RELU, Tensor.randn(n, 3, n));   // many exact zeros → ties
            Tensor b = Tensor.zeros(n);
            onBoth(op + " n=" + n, 0, 0, () -> Elementwise.compare(op, a, b));
            onBoth(op + " transposed n=" + n, 0, 0, () -> Elementwise.compare(op, a.t().contiguous().t(), a));
        }
    }

    @Test
    void whereClampAndCopy() {
        for (int n : SIZES) {
            for (Tensor x : layouts(20 + n, 3, n)) {
                Tensor mask = Elementwise.compare(CompareOp.GT, x, 0f);
                Tensor other = Tensor.randn(n, 1, n);
                onBoth("where n=" + n, 0, 0, () -> Elementwise.where(mask, x, other));
                onBoth("where scalar n=" + n, 0, 0, () -> Elementwise.maskedFill(x, mask, Float.NEGATIVE_INFINITY));
                onBoth("clamp n=" + n, 0, 0, () -> Elementwise.clamp(x, -1f, 0.5f));
                onBoth("copy n=" + n, 0, 0, x::contiguous);
                onBoth("to int64 n=" + n, 0, 0, () -> x.to(DType.INT64));
                onBoth("bool to float n=" + n, 0, 0, () -> mask.to(DType.FLOAT32));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 17, 33, 1031, 5000})
    void reductionsOverEveryLayout(int n) {
        Tensor base = scaledRandn(n, 2f, 6, 5, n);
        Tensor[] views = {base, base.permute(2, 0, 1), base.slice(2, 0, n, 2), base.expand(3, 6, 5, n)};
        int[][] dimSets = {{-1}, {0}, {1}, {0, 1}, {0, 2}, {}};
        for (Tensor x : views) {
            for (int[] dims : dimSets) {
                if (dims.length > 0 && dims[dims.length - 1] >= x.dim()) {
                    continue;
                }
                String what = Shapes.str(x.shape()) + " dims " + Shapes.str(dims);
                onBoth("sum " + what, 1e-4, 1e-5, () -> Reductions.sum(x, dims, false));
                onBoth("mean " + what, 1e-5, 1e-5, () -> Reductions.mean(x, dims, true));
                onBoth("max " + what, 0, 0, () -> Reductions.max(x, dims, false));
                onBoth("min " + what, 0, 0, () -> Reductions.min(x, dims, true));
                onBoth("logsumexp " + what, 1e-5, 1e-5, () -> Reductions.logsumexp(x, dims, false));
                onBoth("var " + what, 1e-5, 1e-4, () -> Reductions.var(x, dims, 1, false));
            }
            for (int d = 0; d < x.dim(); d++) {
                int dim = d;
                onBoth("argmax dim " + d, 0, 0, () -> Reductions.argmax(x, dim, false));
                onBoth("argmin dim " + d, 0, 0, () -> Reductions.argmin(x, dim, true));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 17, 100, 1024, 4099})
    void softmaxAndLayerNorm(int n) {
        Tensor x = scaledRandn(n, 4f, 9, n);
        Tensor weight = Tensor.randn(n + 1, n);
        Tensor bias = Tensor.randn(n + 2, n);
        onBoth("softmax n=" + n, 1e-7, 2e-6, () -> Softmax.softmax(x, -1));
        onBoth("softmax dim 0 n=" + n, 1e-7, 2e-6, () -> Softmax.softmax(x, 0));
        onBoth("log_softmax n=" + n, 2e-6, 2e-6, () -> Softmax.logSoftmax(x, 1));
        onBoth("layer_norm n=" + n, 3e-6, 2e-6, () -> LayerNorm.layerNorm(x, new int[] {n}, weight, bias, 1e-5f));
        onBoth("layer_norm stats n=" + n, 3e-6, 2e-6,
                () -> LayerNorm.layerNormWithStats(x, new int[] {n}, null, null, 1e-5f).rstd());
        Tensor g = Tensor.randn(n + 3, 9, n);
        Tensor y = Softmax.softmax(x, -1);
        Tensor logY = Softmax.logSoftmax(x, 0);
        onBoth("softmax backward n=" + n, 1e-6, 2e-5, () -> Softmax.softmaxBackward(y, g, -1));
        onBoth("log_softmax backward dim 0 n=" + n, 1e-5, 2e-5, () -> Softmax.logSoftmaxBackward(logY, g, 0));
        LayerNorm.Result stats = LayerNorm.layerNormWithStats(x, new int[] {n}, weight, bias, 1e-5f);
        for (int part = 0; part < 3; part++) {
            int which = part;
            // Column sums over 9 rows and row sums over n in float: tolerance grows with the sum length.
            onBoth("layer_norm backward part " + part + " n=" + n, 1e-5 * Math.sqrt(n), 1e-5, () -> {
                LayerNorm.Gradients grads = LayerNorm.layerNormBackward(x, new int[] {n}, weight, stats.mean(),
                        stats.rstd(), g, true, true);
                return which == 0 ? grads.input() : which == 1 ? grads.weight() : grads.bias();
            });
        }
    }
}
