package dev.cortado.nn;

import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.nn.transformer.LayerConfig;
import dev.cortado.nn.transformer.TransformerEncoder;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRALinear's maths, merge/unmerge, and LoRA.apply on models. */
class LoRATest {
    private static final Variable X = Variable.constant(Tensor.randn(11, 2, 3, 8));

    /** B = 0 at the start, so the wrapped layer computes exactly what the Linear did. */
    @Test
    void startsAsTheWrappedLayer() {
        Linear base = new Linear(8, 6, 1);
        Tensor before = base.forward(X).data();
        LoRALinear lora = new LoRALinear(base, 4, 8f, 0f, 2);
        TensorAssert.assertSame(before, lora.forward(X).data(), "B = 0");
        assertEquals(List.of("weight", "bias", "lora_A", "lora_B"), List.copyOf(lora.stateDict().keySet()));
        // A ~ Kaiming-uniform(a = √5) over fan_in 8: U(-1/√8, 1/√8).
        for (float a : lora.loraA().data().toFloatArray()) {
            assertTrue(Math.abs(a) <= 1 / Math.sqrt(8));
        }
    }

    /** y = x·Wᵀ + b + x·Aᵀ·Bᵀ·α/r; merge keeps y (rel. 1e-5), unmerge restores W within 1e-6 absolute. */
    @Test
    void mergeAndUnmerge() {
        Linear base = new Linear(8, 6, 1);
        Tensor w0 = base.weight().data().copy();
        LoRALinear lora = new LoRALinear(base, 4, 8f, 0f, 2);
        lora.loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        Tensor delta = Elementwise.mul(LinearAlgebra.mm(lora.loraB().data(), lora.loraA().data()), 2f);   // α/r = 2
        Tensor expected = Elementwise.add(LinearAlgebra.matmul(X.data(), Elementwise.add(w0, delta).t()),
                base.bias().data());
        Tensor unmergedOut = lora.forward(X).data();
        ParityFixture.assertRel(expected, unmergedOut, 1e-5, "unmerged forward");

        lora.merge();
        ParityFixture.assertRel(unmergedOut, lora.forward(X).data(), 1e-5, "merged forward");
        TensorAssert.assertClose(Elementwise.add(w0, delta), base.weight().data(), 1e-6, 0, "W + ΔW");
        assertThrows(IllegalStateException.class, lora::merge);

        lora.unmerge();
        // W + ΔW − ΔW rounds twice: each element within ~1 ulp of |W| + |ΔW| (< 1e-6 here, |W| + |ΔW| < 8).
        TensorAssert.assertClose(w0, base.weight().data(), 1e-6, 0, "W restored");
        ParityFixture.assertRel(unmergedOut, lora.forward(X).data(), 1e-5, "forward after unmerge");
    }

    /** Dropout acts on the adapter's input only, in training, from the adapter's seed. */
    @Test
    void adapterDropout() {
        LoRALinear dropped = new LoRALinear(new Linear(8, 6, 1), 4, 8f, 0.5f, 2);
        LoRALinear plain = new LoRALinear(new Linear(8, 6, 1), 4, 8f, 0f, 2);
        dropped.loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        plain.loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        Tensor training = dropped.forward(X).data();
        assertNotEquals(plain.forward(X).data().get(0, 0, 0), training.get(0, 0, 0));
        LoRALinear again = new LoRALinear(new Linear(8, 6, 1), 4, 8f, 0.5f, 2);
        again.loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        TensorAssert.assertSame(training, again.forward(X).data(), "same seed, same dropout mask");
        dropped.eval();
        TensorAssert.assertSame(plain.forward(X).data(), dropped.forward(X).data(), "no dropout in eval");
    }

    @Test
    void applyWrapsMatchingLinearsAndTrainsOnlyTheAdapters() {
        TransformerEncoder model = new TransformerEncoder(LayerConfig.of(8, 2, 16).withDropout(0f), 2, true, 3);
        Tensor before = model.forward(X).data();
        List<String> wrapped = LoRA.apply(model, List.of("layers.*.linear1", "**.out_proj"), 2, 4f, 0f, 5);
        assertEquals(List.of("layers.0.self_attn.out_proj", "layers.0.linear1", "layers.1.self_attn.out_proj",
                "layers.1.linear1"), wrapped);
        assertInstanceOf(LoRALinear.class, model.namedModules().get("layers.1.linear1"));
        assertEquals("layers.1.linear1", model.namedModules().get("layers.1.linear1").path());
        // Trainable: A [2, in] and B [out, 2] per adapter: out_proj 8→8, linear1 8→16.
        assertEquals(2 * (2 * 8 + 8 * 2) + 2 * (2 * 8 + 16 * 2), model.trainableParameterCount());
        model.namedParameters().forEach((name, p) ->
                assertEquals(name.endsWith("lora_A") || name.endsWith("lora_B"), p.requiresGrad(), name));
        TensorAssert.assertSame(before, model.forward(X).data(), "adapters start as the identity change");

        ReductionOps.sum(model.forward(X)).backward();
        Tensor gradB = model.namedParameters().get("layers.0.linear1.lora_B").grad();
        assertTrue(Reductions.sum(Elementwise.abs(gradB)).item() > 0, "lora_B learns from the first step");
        assertNull(model.namedParameters().get("layers.0.linear1.weight").grad(), "base weights frozen");

        // The replacement takes part in the forward: a non-zero B changes the output.
        model.namedParameters().get("layers.1.linear1.lora_B").data().copyFrom(Tensor.randn(7, 16, 2));
        assertNotEquals(before.get(0, 0, 0), model.forward(X).data().get(0, 0, 0));
    }

    /** After merging, the state dict without lora_* keys loads strictly into the plain model and gives its output. */
    @Test
    void mergedStateDictLoadsIntoThePlainModel() {
        LayerConfig config = LayerConfig.of(8, 2, 16).withDropout(0f);
        TransformerEncoder adapted = new TransformerEncoder(config, 1, false, 3);
        LoRA.apply(adapted, List.of("**.linear?"), 2, 4f, 0f, 5);
        adapted.namedParameters().forEach((name, p) -> {
            if (name.endsWith("lora_B")) {
                p.data().copyFrom(Tensor.randn(name.hashCode(), p.shape()));
            }
        });
        Tensor adaptedOut = adapted.forward(X).data();
        LoRA.merge(adapted);
        TransformerEncoder plain = new TransformerEncoder(config, 1, false, 99);
        plain.loadStateDict(LoRA.withoutAdapters(adapted.stateDict()), true);
        ParityFixture.assertRel(adaptedOut, plain.forward(X).data(), 1e-5, "plain model with merged weights");
        LoRA.unmerge(adapted);
        ParityFixture.assertRel(adaptedOut, adapted.forward(X).data(), 1e-5, "unmerged again");
    }

    @Test
    void replacesStepsOfSequentialAndSeparateProjections() {
        Sequential mlp = new Sequential(new Linear(8, 16, 1), new ReLU(), new Linear(16, 4, 2));
        assertEquals(List.of("0"), LoRA.apply(mlp, List.of("0"), 2, 2f, 0f, 3));
        assertInstanceOf(LoRALinear.class, mlp.get(0));
        mlp.namedParameters().get("0.lora_B").data().copyFrom(Tensor.randn(4, 16, 2));
        Tensor viaSequential = mlp.forward(X).data();
        Tensor direct = mlp.get(2).forward(mlp.get(1).forward(mlp.get(0).forward(X))).data();
        TensorAssert.assertSame(direct, viaSequential, "Sequential runs the adapter");

        MultiHeadAttention attn = new MultiHeadAttention.Builder(8, 2).layout(MultiHeadAttention.Layout.SEPARATE).build(1);
        assertEquals(List.of("q_proj", "v_proj"), LoRA.apply(attn, List.of("q_proj", "v_proj"), 2, 2f, 0f, 3));
        assertThrows(IllegalArgumentException.class, () -> LoRA.apply(attn, List.of("nothing.*"), 2, 2f, 0f, 3));
    }
}
