package dev.cortado.nn;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Supplier;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Linear, LayerNorm, Dropout and the activation modules (PyTorch values from tools/reference/gen_module.py). */
class LayersTest {
    private static final Map<String, Supplier<Module>> ACTIVATIONS = Map.of(
            "relu", ReLU::new, "gelu", GELU::new, "gelu_tanh", () -> new GELU(true), "silu", SiLU::new,
            "sigmoid", Sigmoid::new, "tanh", Tanh::new, "softmax", () -> new Softmax(1), "quick_gelu", QuickGELU::new);

    /** Forward within 1e-5 relative (+1e-6 absolute), gradients within 1e-4 relative, printout exact. */
    @Test
    void activationsMatchPyTorch() {
        int seen = 0;
        for (Fixtures.Case c : Fixtures.load("module.json")) {
            if (!ACTIVATIONS.containsKey(c.op())) {
                continue;
            }
            Module module = ACTIVATIONS.get(c.op()).get();
            Variable x = Variable.parameter(c.input("x").copy());
            Variable y = module.forward(x);
            assertClose(c.output("y"), y.data(), 1e-6, 1e-5, c.name());
            y.backward(c.input("r"));
            assertClose(c.output("dx"), x.grad(), 1e-6, 1e-4, c.name() + " gradient");
            assertEquals(c.args().get("repr").asText(), module.toString(), c.name());
            seen++;
        }
        assertEquals(ACTIVATIONS.size(), seen);
    }

    @Test
    void linearShapesInitAndSeeds() {
        Linear linear = new Linear(5, 3, 42);
        assertArrayEquals(new int[] {3, 5}, linear.weight().shape());
        assertArrayEquals(new int[] {3}, linear.bias().shape());
        float bound = (float) (1 / Math.sqrt(5));
        assertTrue(Reductions.max(dev.cortado.tensor.Elementwise.abs(linear.weight().data())).item() <= bound);
        assertTrue(Reductions.max(dev.cortado.tensor.Elementwise.abs(linear.bias().data())).item() <= bound);
        assertClose(linear.weight().data(), new Linear(5, 3, 42).weight().data(), 0, 0, "same seed, same weights");
        assertFalse(Reductions.max(dev.cortado.tensor.Elementwise.abs(dev.cortado.tensor.Elementwise.sub(
                linear.weight().data(), new Linear(5, 3, 43).weight().data()))).item() == 0, "another seed differs");

        Variable y = linear.forward(Variable.constant(Tensor.randn(1, 2, 4, 5)));
        assertArrayEquals(new int[] {2, 4, 3}, y.shape());
        Linear noBias = new Linear(5, 3, false, 1);
        assertNull(noBias.bias());
        assertEquals(15, noBias.parameterCount());
        assertThrows(IllegalArgumentException.class, () -> linear.forward(Variable.constant(Tensor.scalar(1f))));
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 3, 1));
    }

    @Test
    void layerNormChecksItsArguments() {
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(new int[0], 1e-5f, true));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(new int[] {0}, 1e-5f, true));
        LayerNorm plain = new LayerNorm(new int[] {4}, 1e-5f, false);
        assertEquals(0, plain.parameterCount());
        assertEquals("LayerNorm((4,), eps=1e-05, elementwise_affine=False)", plain.toString());
        Tensor y = plain.forward(Variable.constant(Tensor.randn(3, 2, 4))).data();
        assertClose(Tensor.zeros(2), Reductions.mean(y, new int[] {-1}, false), 1e-6, 0, "normalised mean");
    }

    @Test
    void dropoutIsTheIdentityInEvaluation() {
        Dropout dropout = new Dropout(0.5f, 7);
        Variable x = Variable.constant(Tensor.randn(2, 10));
        dropout.eval();
        assertSame(x, dropout.forward(x));
        assertSame(x, new Dropout(0f, 7).forward(x), "p = 0");
    }

    @Test
    void dropoutMasksAreSeededAndScaled() {
        Tensor ones = Tensor.ones(100_000);
        Dropout a = new Dropout(0.25f, 11);
        Dropout b = new Dropout(0.25f, 11);
        Tensor first = a.forward(Variable.constant(ones)).data();
        assertClose(first, b.forward(Variable.constant(ones)).data(), 0, 0, "same seed, same first mask");
        Tensor second = a.forward(Variable.constant(ones)).data();
        assertFalse(java.util.Arrays.equals(first.toFloatArray(), second.toFloatArray()), "next call, new mask");

        float[] values = first.toFloatArray();
        int zeros = 0;
        for (float v : values) {
            assertTrue(v == 0 || v == 1 / 0.75f, "kept values are scaled by 1/(1 - p): " + v);
            zeros += v == 0 ? 1 : 0;
        }
        // Binomial(100000, 0.25): σ ≈ 137, so 5σ ≈ 700 zeros; the mean 1 ± 5σ/75000·(4/3).
        assertEquals(25_000, zeros, 700);
        assertEquals(1.0, Reductions.mean(first).item(), 0.0125, "expectation preserved");
    }

    @Test
    void dropoutGradientUsesTheSameMask() {
        Dropout dropout = new Dropout(0.5f, 3);
        Variable x = Variable.parameter(Tensor.randn(5, 4, 6));
        Variable y = dropout.forward(x);
        y.sum().backward();
        // y = x·m/(1-p), so dy/dx = m/(1-p) = y/x elementwise.
        assertClose(dev.cortado.tensor.Elementwise.div(y.data(), x.data()), x.grad(), 1e-6, 1e-6, "mask");
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, 0));
        assertEquals("Dropout(p=0.5, inplace=False)", dropout.toString());
    }

    @Test
    void pythonStyleNumbers() {
        assertEquals("1e-05", Repr.number(1e-5f));
        assertEquals("1e-06", Repr.number(1e-6f));
        assertEquals("0.0001", Repr.number(1e-4f));
        assertEquals("0.1", Repr.number(0.1f));
        assertEquals("1.0", Repr.number(1f));
        assertEquals("-123.5", Repr.number(-123.5f));
        assertEquals("1e+16", Repr.number(1e16f));
        assertEquals("2.5e-07", Repr.number(2.5e-7f));
        assertEquals("(8,)", Repr.tuple(new int[] {8}));
        assertEquals("(2, 3)", Repr.tuple(new int[] {2, 3}));
    }
}
