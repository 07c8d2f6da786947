package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's fused attention against the reference backend's composition of matmul, scaling, mask and
 * softmax (the {@code Backend} defaults), forward and backward, on 1, 2 and 3 threads: lengths and widths that
 * are and are not multiples of the vector length (and above four vectors of keys), head views of a projected
 * {@code [B, L, H·d]} tensor, broadcast float and boolean masks, a key length of one. Tolerance
 * {@code atol 1e-5, rtol 1e-5}: both sum at most ~100 float products of unit-size values, in different orders.
 */
class DotProductAttentionTest {
    private static final List<Backend> CPU_BACKENDS = List.of(CpuBackend.shared(), new CpuBackend(1),
            new CpuBackend(3));
    private static final double TOLERANCE = 1e-5;

    static List<Arguments> shapes() {
        // b, h, lq, lk, d, dv
        return List.of(
                Arguments.of(new int[] {1, 1, 1, 1, 1, 1}),
                Arguments.of(new int[] {2, 3, 5, 7, 4, 6}),
                Arguments.of(new int[] {2, 4, 50, 50, 32, 32}),
                Arguments.of(new int[] {1, 2, 9, 70, 17, 33}),
                Arguments.of(new int[] {3, 2, 16, 16, 16, 16}));
    }

    @ParameterizedTest(name = "b,h,lq,lk,d,dv = {0}")
    @MethodSource("shapes")
    void denseOperandsMatchTheComposition(int[] s) {
        Tensor q = Tensor.randn(1, s[0], s[1], s[2], s[4]);
        Tensor k = Tensor.randn(2, s[0], s[1], s[3], s[4]);
        Tensor v = Tensor.randn(3, s[0], s[1], s[3], s[5]);
        compare(q, k, v, null, 0.3f);
    }

    @Test
    void headViewsOfProjectedTensorsAndABroadcastKeyMask() {
        int b = 2, h = 4, lq = 11, lk = 19, d = 8;
        Tensor q = heads(Tensor.randn(4, b, lq, h * d), h);
        Tensor k = heads(Tensor.randn(5, b, lk, h * d), h);
        Tensor v = heads(Tensor.randn(6, b, lk, h * d), h);
        float[] padding = new float[b * lk];
        for (int j = 15; j < lk; j++) {
            padding[j] = Float.NEGATIVE_INFINITY;                   // batch 0: the last 4 keys are padding
        }
        padding[lk + 3] = -2.5f;                                    // batch 1: one key down-weighted
        compare(q, k, v, Tensor.fromArray(padding, b, 1, 1, lk), (float) (1 / Math.sqrt(d)));
    }

    @Test
    void booleanCausalMaskZeroesTheFuture() {
        int lq = 6, lk = 6;
        boolean[] future = new boolean[lq * lk];
        for (int i = 0; i < lq; i++) {
            for (int j = i + 1; j < lk; j++) {
                future[i * lk + j] = true;
            }
        }
        Tensor mask = Tensor.fromBooleans(future, lq, lk);
        Tensor q = Tensor.randn(7, 1, 2, lq, 5);
        Tensor k = Tensor.randn(8, 1, 2, lk, 5);
        Tensor v = Tensor.randn(9, 1, 2, lk, 3);
        compare(q, k, v, mask, 0.5f);
        try (var scope = Backends.use(CpuBackend.shared())) {
            Tensor probs = DotProductAttention.forward(q, k, v, mask, 0.5f).probs();
            assertEquals(0f, probs.get(0, 1, 2, 4));
            assertEquals(1f, probs.get(0, 0, 0, 0), 1e-6f);
        }
    }

    @Test
    void aRowMaskedEverywhereIsNaNAsInPyTorch() {
        Tensor q = Tensor.randn(10, 1, 1, 2, 4);
        Tensor k = Tensor.randn(11, 1, 1, 3, 4);
        Tensor v = Tensor.randn(12, 1, 1, 3, 4);
        Tensor mask = Tensor.fromArray(new float[] {0, 0, 0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NEGATIVE_INFINITY}, 2, 3);
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, CpuBackend.shared())) {
            try (var scope = Backends.use(backend)) {
                Tensor out = DotProductAttention.forward(q, k, v, mask, 1f).output();
                assertTrue(Float.isFinite(out.get(0, 0, 0, 0)), backend.name());
                assertTrue(Float.isNaN(out.get(0, 0, 1, 0)), backend.name());
            }
        }
    }

    @Test
    void noKeysGiveZerosAsTheComposition() {
        Tensor q = Tensor.randn(18, 1, 2, 3, 4);
        Tensor k = Tensor.zeros(1, 2, 0, 4);
        Tensor v = Tensor.zeros(1, 2, 0, 5);
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, CpuBackend.shared())) {
            try (var scope = Backends.use(backend)) {
                DotProductAttention.Result result = DotProductAttention.forward(q, k, v, null, 1f);
                assertArrayEquals(new float[2 * 3 * 5], result.output().toFloatArray(), backend.name());
                assertArrayEquals(new int[] {1, 2, 3, 0}, result.probs().shape(), backend.name());
            }
        }
    }

    @Test
    void outputAndGradientsKeepTheHeadsInterleaved() {
        Tensor q = Tensor.randn(13, 2, 3, 4, 5);
        Tensor out = DotProductAttention.forward(q, q, q, null, 1f).output();
        assertArrayEquals(new int[] {2, 3, 4, 5}, out.shape());
        // [B, H, L, d] over [B, L, H, d]: merging heads back to [B, L, H·d] needs no copy.
        assertTrue(out.permute(0, 2, 1, 3).isContiguous());
    }

    @Test
    void withoutABackwardTheProbabilitiesAreNotKept() {
        Tensor q = Tensor.randn(16, 2, 3, 5, 8);
        Tensor k = Tensor.randn(17, 2, 3, 6, 8);
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, CpuBackend.shared())) {
            try (var scope = Backends.use(backend)) {
                DotProductAttention.Result kept = DotProductAttention.forward(q, k, k, null, 0.5f, true);
                DotProductAttention.Result dropped = DotProductAttention.forward(q, k, k, null, 0.5f, false);
                assertEquals(null, dropped.probs(), backend.name());
                TensorAssert.assertSame(kept.output(), dropped.output(), "output without probabilities " + backend.name());
            }
        }
    }

    @Test
    void badShapesNameTheOperands() {
        Tensor q = Tensor.randn(14, 1, 2, 3, 4);
        var wrongWidth = assertThrows(IllegalArgumentException.class,
                () -> DotProductAttention.forward(q, Tensor.randn(15, 1, 2, 3, 5), q, null, 1f));
        assertTrue(wrongWidth.getMessage().contains("[1, 2, 3, 5]"), wrongWidth.getMessage());
        var wrongRank = assertThrows(IllegalArgumentException.class,
                () -> DotProductAttention.forward(q.select(0, 0), q, q, null, 1f));
        assertTrue(wrongRank.getMessage().contains("[B, H, L, d]"), wrongRank.getMessage());
        var wrongMask = assertThrows(IllegalArgumentException.class,
                () -> DotProductAttention.forward(q, q, q, Tensor.zeros(2, 4), 1f));
        assertTrue(wrongMask.getMessage().contains("mask"), wrongMask.getMessage());
    }

    /** [B, L, H·d] → the [B, H, L, d] view attention modules pass (no copy). */
    private static Tensor heads(Tensor x, int h) {
        int[] s = x.shape();
        return x.reshape(s[0], s[1], h, s[2] / h).permute(0, 2, 1, 3);
    }

    private static void compare(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
        Tensor gradOut = Tensor.randn(99, q.size(0), q.size(1), q.size(2), v.size(3));
        Supplier<DotProductAttention.Result> forward = () -> DotProductAttention.forward(q, k, v, mask, scale);
        DotProductAttention.Result expected;
        DotProductAttention.Gradients expectedGrads;
        try (var scope = Backends.use(ReferenceBackend.INSTANCE)) {
            expected = forward.get();
            expectedGrads = DotProductAttention.backward(q, k, v, expected.probs(), gradOut, scale);
        }
        for (Backend cpu : CPU_BACKENDS) {
            try (var scope = Backends.use(cpu)) {
                DotProductAttention.Result actual = forward.get();
                assertClose(expected.probs(), actual.probs(), TOLERANCE, TOLERANCE, "probabilities " + cpu.describe());
                assertClose(expected.output(), actual.output(), TOLERANCE, TOLERANCE, "output " + cpu.describe());
                DotProductAttention.Gradients grads = DotProductAttention.backward(q, k, v, actual.probs(), gradOut,
                        scale);
                assertClose(expectedGrads.query(), grads.query(), TOLERANCE, TOLERANCE, "dQ " + cpu.describe());
                assertClose(expectedGrads.key(), grads.key(), TOLERANCE, TOLERANCE, "dK " + cpu.describe());
                assertClose(expectedGrads.value(), grads.value(), TOLERANCE, TOLERANCE, "dV " + cpu.describe());
            }
        }
    }
}
