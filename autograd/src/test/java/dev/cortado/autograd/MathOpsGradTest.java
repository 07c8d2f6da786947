package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Central-difference checks of every elementwise op (tolerances: {@link GradCheck#standard()}). */
class MathOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    /** Values in [lo, hi) with a fixed seed. */
    private static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return dev.cortado.tensor.Elementwise.add(dev.cortado.tensor.Elementwise.mul(Tensor.rand(seed, shape), hi - lo), lo);
    }

    /** Values whose magnitude is in [0.2, 1.5), both signs: away from the kinks at 0. */
    private static Tensor awayFromZero(long seed, int... shape) {
        Tensor magnitude = uniform(seed, 0.2f, 1.5f, shape);
        Tensor sign = dev.cortado.tensor.Elementwise.sub(
                dev.cortado.tensor.Elementwise.mul(dev.cortado.tensor.Elementwise.compare(
                        dev.cortado.tensor.backend.CompareOp.GT, Tensor.rand(seed + 1, shape), 0.5f)
                        .to(dev.cortado.tensor.DType.FLOAT32), 2f), 1f);
        return dev.cortado.tensor.Elementwise.mul(magnitude, sign);
    }

    @Test
    void broadcastingBinaryOps() {
        CHECK.check("add", v -> MathOps.add(v[0], v[1]), Tensor.randn(1, 2, 3, 4), Tensor.randn(2, 3, 1));
        CHECK.check("sub", v -> MathOps.sub(v[0], v[1]), Tensor.randn(3, 4), Tensor.randn(4, 2, 1, 4));
        CHECK.check("mul", v -> MathOps.mul(v[0], v[1]), Tensor.randn(5, 2, 1, 5), Tensor.randn(6, 1, 3, 1));
        CHECK.check("div", v -> MathOps.div(v[0], v[1]), Tensor.randn(7, 2, 3), awayFromZero(8, 3));
        CHECK.check("pow", v -> MathOps.pow(v[0], v[1]), uniform(9, 0.5f, 2f, 2, 3), uniform(10, -1.5f, 2f, 1, 3));
        CHECK.check("maximum", v -> MathOps.maximum(v[0], v[1]), Tensor.randn(11, 3, 4), Tensor.randn(12, 4));
        CHECK.check("minimum", v -> MathOps.minimum(v[0], v[1]), Tensor.randn(13, 3, 1), Tensor.randn(14, 3, 4));
    }

    @Test
    void scalarForms() {
        CHECK.check("add scalar", v -> MathOps.add(v[0], 2.5f), Tensor.randn(15, 3, 2));
        CHECK.check("mul scalar", v -> MathOps.mul(v[0], -1.5f), Tensor.randn(16, 3, 2));
        CHECK.check("pow scalar", v -> MathOps.pow(v[0], 3f), Tensor.randn(17, 3, 2));
    }

    @Test
    void unaryOps() {
        Tensor x = Tensor.randn(20, 3, 5);
        Tensor kinkFree = awayFromZero(21, 3, 5);
        Tensor positive = uniform(22, 0.3f, 3f, 3, 5);
        CHECK.check("neg", v -> MathOps.neg(v[0]), x);
        CHECK.check("abs", v -> MathOps.abs(v[0]), kinkFree);
        CHECK.check("exp", v -> MathOps.exp(v[0]), x);
        CHECK.check("log", v -> MathOps.log(v[0]), positive);
        CHECK.check("sqrt", v -> MathOps.sqrt(v[0]), positive);
        CHECK.check("rsqrt", v -> MathOps.rsqrt(v[0]), positive);
        CHECK.check("tanh", v -> MathOps.tanh(v[0]), x);
        CHECK.check("sigmoid", v -> MathOps.sigmoid(v[0]), x);
        CHECK.check("relu", v -> MathOps.relu(v[0]), kinkFree);
        CHECK.check("gelu", v -> MathOps.gelu(v[0]), x);
        CHECK.check("gelu_tanh", v -> MathOps.geluTanh(v[0]), x);
        CHECK.check("silu", v -> MathOps.silu(v[0]), x);
        CHECK.check("sin", v -> MathOps.sin(v[0]), x);
        CHECK.check("cos", v -> MathOps.cos(v[0]), x);
        CHECK.check("clamp", v -> MathOps.clamp(v[0], -0.1f, 0.1f), kinkFree);
    }

    @Test
    void selection() {
        Tensor mask = Tensor.fromBooleans(new boolean[] {true, false, true, false}, 4);
        CHECK.check("where", v -> MathOps.where(mask, v[0], v[1]), Tensor.randn(30, 3, 4), Tensor.randn(31, 4));
        CHECK.check("masked_fill", v -> MathOps.maskedFill(v[0], mask, -1e9f), Tensor.randn(32, 2, 4));
    }
}
