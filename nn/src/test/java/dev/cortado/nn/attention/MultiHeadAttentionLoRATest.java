package dev.cortado.nn.attention;

import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.ParityAssert;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.LoRAAdapter;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA on the packed input projection of MultiHeadAttention: W_in + B·A·α/r in self- and cross-attention. */
class MultiHeadAttentionLoRATest {
    private static final Variable X = Variable.constant(Tensor.randn(11, 2, 5, 8));
    // Cross-attention with kdim = vdim = E: keys and values from other sequences, of another length.
    private static final Variable KEY = Variable.constant(Tensor.randn(12, 2, 3, 8));
    private static final Variable VALUE = Variable.constant(Tensor.randn(13, 2, 3, 8));

    private static Tensor self(MultiHeadAttention attn) {
        return attn.forward(X).data();
    }

    private static Tensor cross(MultiHeadAttention attn) {
        return attn.forward(X, KEY, VALUE).data();
    }

    /** B = 0 at the start: the same output, bit for bit, on both projection paths. */
    @Test
    void startsAsThePlainAttention() {
        MultiHeadAttention attn = new MultiHeadAttention(8, 2, 1);
        Tensor selfBefore = self(attn);
        Tensor crossBefore = cross(attn);
        LoRAAdapter lora = attn.enableLoRA(4, 8f, 0f, 2);
        assertEquals(lora, attn.lora());
        TensorAssert.assertSame(selfBefore, self(attn), "self-attention, B = 0");
        TensorAssert.assertSame(crossBefore, cross(attn), "cross-attention, B = 0");
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "in_proj_lora_A", "in_proj_lora_B", "out_proj.weight",
                "out_proj.bias"), List.copyOf(attn.stateDict().keySet()));
        assertArrayEquals(new int[] {4, 8}, lora.loraA().shape());
        assertArrayEquals(new int[] {24, 4}, lora.loraB().shape());
        // A ~ Kaiming-uniform(a = √5) over fan_in E = 8: U(-1/√8, 1/√8).
        for (float a : lora.loraA().data().toFloatArray()) {
            assertTrue(Math.abs(a) <= 1 / Math.sqrt(8));
        }
        assertTrue(attn.toString().contains("layout=PACKED, in_proj_lora_r=4, in_proj_lora_alpha=8.0"),
                attn.toString());
        assertThrows(IllegalArgumentException.class, () -> attn.enableLoRA(4, 8f, 0f, 2), "already enabled");
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(8, 2, 1).enableLoRA(0, 8f, 0f, 2));
    }

    /** With random B the module equals a plain one whose in_proj_weight is W + B·A·α/r (relative 1e-5). */
    @Test
    void computesWithTheAdaptedWeight() {
        MultiHeadAttention attn = new MultiHeadAttention(8, 2, 1);
        LoRAAdapter lora = attn.enableLoRA(4, 8f, 0f, 2);
        lora.loraB().data().copyFrom(Tensor.randn(3, 24, 4));
        Tensor delta = Elementwise.mul(LinearAlgebra.mm(lora.loraB().data(), lora.loraA().data()), 2f);  // α/r = 2
        MultiHeadAttention plain = new MultiHeadAttention(8, 2, 1);
        Tensor w = plain.namedParameters().get("in_proj_weight").data();
        w.copyFrom(Elementwise.add(w, delta));
        ParityAssert.assertRelative(self(plain), self(attn), 1e-5, "self-attention (one [3E, E] product)");
        ParityAssert.assertRelative(cross(plain), cross(attn), 1e-5, "cross-attention (rows of B per projection)");
    }

    /** merge: W_in + ΔW exactly, same output (relative 1e-5); unmerge restores W bit for bit; remove leaves it plain. */
    @Test
    void mergeUnmergeAndRemove() {
        MultiHeadAttention attn = new MultiHeadAttention(8, 2, 1);
        String plainText = attn.toString();
        Variable w = attn.namedParameters().get("in_proj_weight");
        Tensor w0 = w.data().copy();
        LoRAAdapter lora = attn.enableLoRA(4, 8f, 0f, 2);
        lora.loraB().data().copyFrom(Tensor.randn(3, 24, 4));
        Tensor adaptedSelf = self(attn);
        Tensor adaptedCross = cross(attn);

        lora.merge();
        TensorAssert.assertSame(Elementwise.add(w0, lora.delta()), w.data(), "W_in + ΔW");
        assertTrue(attn.toString().contains("in_proj_lora_alpha=8.0, merged"), attn.toString());
        ParityAssert.assertRelative(adaptedSelf, self(attn), 1e-5, "merged self-attention");
        ParityAssert.assertRelative(adaptedCross, cross(attn), 1e-5, "merged cross-attention");

        lora.unmerge();
        assertArrayEquals(w0.toFloatArray(), w.data().toFloatArray(), "W_in restored exactly");
        TensorAssert.assertSame(adaptedSelf, self(attn), "unmerged self-attention");

        lora.merge();
        attn.removeLoRA();
        assertNull(attn.lora());
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(attn.stateDict().keySet()));
        assertEquals(plainText, attn.toString());
        ParityAssert.assertRelative(adaptedSelf, self(attn), 1e-5, "merged weight kept after remove");
        assertThrows(IllegalArgumentException.class, attn::removeLoRA);
    }

    /**
     * With W_in and the biases frozen, A and B get the gradient of L = Σ y·r (central differences, ε = 1e-2, L in
     * double: relative error ≤ 1e-3 against the tensor's largest entry) and W gets none; both projection paths.
     */
    @Test
    void gradientsReachTheAdapterOnly() {
        Variable x = Variable.constant(Tensor.randn(21, 1, 3, 4));
        Variable kv = Variable.constant(Tensor.randn(22, 1, 2, 4));
        for (boolean crossAttention : new boolean[] {false, true}) {
            MultiHeadAttention attn = new MultiHeadAttention(4, 2, 1);
            LoRAAdapter lora = attn.enableLoRA(2, 4f, 0f, 2);
            lora.loraB().data().copyFrom(Tensor.randn(3, 12, 2));
            attn.namedParameters().forEach((name, p) -> p.setRequiresGrad(name.startsWith("in_proj_lora")));
            Supplier<Variable> forward = () -> crossAttention ? attn.forward(x, kv, kv) : attn.forward(x);
            Tensor r = Tensor.randn(23, 1, 3, 4);
            forward.get().backward(r);
            String what = crossAttention ? "cross-attention" : "self-attention";
            assertNull(attn.namedParameters().get("in_proj_weight").grad(), what + ": W_in frozen");
            for (Variable p : List.of(lora.loraA(), lora.loraB())) {
                assertNotNull(p.grad(), what + ": adapter gradient");
                ParityAssert.assertRelative(centralDifferences(p.data(), forward, r), p.grad(), 1e-3, what);
            }
        }
    }

    private static Tensor centralDifferences(Tensor param, Supplier<Variable> forward, Tensor r) {
        double eps = 1e-2;
        float[] data = param.floatData();   // a fresh parameter: contiguous, offset 0
        float[] numeric = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            float original = data[i];
            data[i] = (float) (original + eps);
            double plus = weightedSum(forward, r);
            data[i] = (float) (original - eps);
            double minus = weightedSum(forward, r);
            data[i] = original;
            numeric[i] = (float) ((plus - minus) / (2 * eps));
        }
        return Tensor.fromArray(numeric, param.shape());
    }

    private static double weightedSum(Supplier<Variable> forward, Tensor r) {
        try (var scope = NoGrad.enter()) {
            float[] y = forward.get().data().toFloatArray();
            float[] w = r.toFloatArray();
            double sum = 0;
            for (int i = 0; i < y.length; i++) {
                sum += (double) y[i] * w[i];
            }
            return sum;
        }
    }

    @Test
    void unsupportedLayoutsSayWhy() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new MultiHeadAttention.Builder(8, 2).kdim(6).vdim(6).build(1).enableLoRA(2, 2f, 0f, 3));
        assertEquals("MultiHeadAttention (MultiHeadAttention): LoRA on the packed projection needs in_proj_weight "
                + "[3E, E]; with kdim=6, vdim=6 != embed_dim=8 the weights are q/k/v_proj_weight, which LoRA does "
                + "not support", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention.Builder(8, 2)
                .layout(MultiHeadAttention.Layout.SEPARATE).build(1).enableLoRA(2, 2f, 0f, 3));
        assertTrue(e.getMessage().contains("SEPARATE layout goes on the Linear children q_proj, k_proj, v_proj"),
                e.getMessage());
    }
}
