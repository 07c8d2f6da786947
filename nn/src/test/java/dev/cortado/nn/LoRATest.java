package dev.cortado.nn;

import dev.cortado.autograd.ParityAssert;
import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.attention.MultiHeadAttention;
import dev.cortado.nn.transformer.LayerConfig;
import dev.cortado.nn.transformer.TransformerEncoder;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LinearAlgebra;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Linear's LoRA adapter: maths, merge/unmerge, removal, and LoRA.apply on models. */
class LoRATest {
    private static final Variable X = Variable.constant(Tensor.randn(11, 2, 3, 8));

    /** B = 0 at the start, so the layer computes exactly what it did without the adapter. */
    @Test
    void startsAsThePlainLayer() {
        Linear linear = new Linear(8, 6, 1);
        Tensor before = linear.forward(X).data();
        LoRAAdapter lora = linear.enableLoRA(4, 8f, 0f, 2);
        assertSame(lora, linear.lora());
        TensorAssert.assertSame(before, linear.forward(X).data(), "B = 0");
        assertEquals(List.of("weight", "bias", "lora_A", "lora_B"), List.copyOf(linear.stateDict().keySet()));
        assertEquals(List.of(4, 8), List.of(lora.loraA().size(0), lora.loraA().size(1)));
        assertEquals(List.of(6, 4), List.of(lora.loraB().size(0), lora.loraB().size(1)));
        // A ~ Kaiming-uniform(a = √5) over fan_in 8: U(-1/√8, 1/√8).
        for (float a : lora.loraA().data().toFloatArray()) {
            assertTrue(Math.abs(a) <= 1 / Math.sqrt(8));
        }
        assertTrue(linear.toString().contains("lora_r=4, lora_alpha=8.0"), linear.toString());
        assertThrows(IllegalArgumentException.class, () -> linear.enableLoRA(4, 8f, 0f, 2));
        assertThrows(IllegalArgumentException.class, () -> new Linear(8, 6, 1).enableLoRA(0, 8f, 0f, 2));
    }

    /** y = x·(W + B·A·α/r)ᵀ + b (rel. 1e-5); merge keeps y (rel. 1e-5); unmerge restores W bit for bit. */
    @Test
    void mergeAndUnmerge() {
        Linear linear = new Linear(8, 6, 1);
        Tensor w0 = linear.weight().data().copy();
        LoRAAdapter lora = linear.enableLoRA(4, 8f, 0f, 2);
        lora.loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        Tensor delta = Elementwise.mul(LinearAlgebra.mm(lora.loraB().data(), lora.loraA().data()), 2f);   // α/r = 2
        TensorAssert.assertSame(delta, lora.delta(), "ΔW");
        Tensor expected = Elementwise.add(LinearAlgebra.matmul(X.data(), Elementwise.add(w0, delta).t()),
                linear.bias().data());
        Tensor unmergedOut = linear.forward(X).data();
        ParityAssert.assertRelative(expected, unmergedOut, 1e-5, "unmerged forward");

        lora.merge();
        assertTrue(lora.isMerged());
        TensorAssert.assertSame(Elementwise.add(w0, delta), linear.weight().data(), "W + ΔW");
        ParityAssert.assertRelative(unmergedOut, linear.forward(X).data(), 1e-5, "merged forward");
        assertThrows(IllegalStateException.class, lora::merge);

        lora.unmerge();
        assertArrayEquals(w0.toFloatArray(), linear.weight().data().toFloatArray(), "W restored exactly");
        TensorAssert.assertSame(unmergedOut, linear.forward(X).data(), "forward after unmerge");
        assertThrows(IllegalStateException.class, lora::unmerge);
    }

    /** Removing keeps a merged ΔW in the weight and leaves a plain Linear (keys, printout). */
    @Test
    void removeAfterMergeLeavesThePlainLayer() {
        Linear linear = new Linear(8, 6, 1);
        String plainText = linear.toString();
        LoRAAdapter lora = linear.enableLoRA(4, 8f, 0f, 2);
        lora.loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        Tensor adaptedOut = linear.forward(X).data();
        lora.merge();
        linear.removeLoRA();
        assertNull(linear.lora());
        assertEquals(List.of("weight", "bias"), List.copyOf(linear.stateDict().keySet()));
        assertEquals(plainText, linear.toString());
        ParityAssert.assertRelative(adaptedOut, linear.forward(X).data(), 1e-5, "merged weight kept");
        assertThrows(IllegalArgumentException.class, linear::removeLoRA);
        assertNotNull(linear.enableLoRA(2, 2f, 0f, 3), "can be enabled again");
    }

    /** Dropout acts on the adapter's input only, in training, from the adapter's seed. */
    @Test
    void adapterDropout() {
        Linear dropped = new Linear(8, 6, 1);
        dropped.enableLoRA(4, 8f, 0.5f, 2).loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        Linear plain = new Linear(8, 6, 1);
        plain.enableLoRA(4, 8f, 0f, 2).loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        Tensor training = dropped.forward(X).data();
        assertNotEquals(plain.forward(X).data().get(0, 0, 0), training.get(0, 0, 0));
        Linear again = new Linear(8, 6, 1);
        again.enableLoRA(4, 8f, 0.5f, 2).loraB().data().copyFrom(Tensor.randn(3, 6, 4));
        TensorAssert.assertSame(training, again.forward(X).data(), "same seed, same dropout mask");
        dropped.eval();
        TensorAssert.assertSame(plain.forward(X).data(), dropped.forward(X).data(), "no dropout in eval");
    }

    @Test
    void applyAdaptsMatchingLinearsAndTrainsOnlyTheAdapters() {
        TransformerEncoder model = new TransformerEncoder(LayerConfig.of(8, 2, 16).withDropout(0f), 2, true, 3);
        Tensor before = model.forward(X).data();
        List<String> adapted = LoRA.apply(model, List.of("layers.*.linear1", "**.out_proj"), 2, 4f, 0f, 5);
        List<String> expected = List.of("layers.0.self_attn.out_proj", "layers.0.linear1",
                "layers.1.self_attn.out_proj", "layers.1.linear1");
        assertEquals(expected, adapted);
        model.namedModules().forEach((name, m) -> {
            if (m instanceof Linear linear) {
                assertEquals(expected.contains(name), linear.lora() != null, name);
            }
        });
        // Trainable: A [2, in] and B [out, 2] per adapter: out_proj 8→8, linear1 8→16.
        assertEquals(2 * (2 * 8 + 8 * 2) + 2 * (2 * 8 + 16 * 2), model.trainableParameterCount());
        model.namedParameters().forEach((name, p) ->
                assertEquals(name.endsWith("lora_A") || name.endsWith("lora_B"), p.requiresGrad(), name));
        TensorAssert.assertSame(before, model.forward(X).data(), "adapters start as the identity change");

        ReductionOps.sum(model.forward(X)).backward();
        Tensor gradB = model.namedParameters().get("layers.0.linear1.lora_B").grad();
        assertTrue(Reductions.sum(Elementwise.abs(gradB)).item() > 0, "lora_B learns from the first step");
        assertNull(model.namedParameters().get("layers.0.linear1.weight").grad(), "base weights frozen");

        // The adapters take part in the forward, in the feed-forward block and inside the attention.
        for (String name : List.of("layers.1.linear1.lora_B", "layers.0.self_attn.out_proj.lora_B")) {
            Tensor b = model.namedParameters().get(name).data();
            b.copyFrom(Tensor.randn(7, b.shape()));
            assertNotEquals(before.get(0, 0, 0), model.forward(X).data().get(0, 0, 0), name);
            b.copyFrom(Tensor.zeros(b.shape()));
        }
        assertThrows(IllegalArgumentException.class,
                () -> LoRA.apply(model, List.of("nothing.*"), 2, 2f, 0f, 3), "no match");
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
        Tensor w0 = adapted.namedParameters().get("layers.0.linear2.weight").data().copy();
        LoRA.merge(adapted);
        TransformerEncoder plain = new TransformerEncoder(config, 1, false, 99);
        plain.loadStateDict(LoRA.withoutAdapters(adapted.stateDict()), true);
        ParityAssert.assertRelative(adaptedOut, plain.forward(X).data(), 1e-5, "plain model with merged weights");
        LoRA.unmerge(adapted);
        assertArrayEquals(w0.toFloatArray(),
                adapted.namedParameters().get("layers.0.linear2.weight").data().toFloatArray(), "unmerged exactly");
        TensorAssert.assertSame(adaptedOut, adapted.forward(X).data(), "unmerged again");

        LoRA.merge(adapted);
        assertEquals(List.of("layers.0.linear1", "layers.0.linear2"), LoRA.remove(adapted));
        assertEquals(plain.stateDict().keySet(), adapted.stateDict().keySet());
        assertEquals(plain.toString(), adapted.toString());
    }

    @Test
    void adaptsStepsOfSequentialAndSeparateProjections() {
        Sequential mlp = new Sequential(new Linear(8, 16, 1), new ReLU(), new Linear(16, 4, 2));
        Tensor before = mlp.forward(X).data();
        assertEquals(List.of("0"), LoRA.apply(mlp, List.of("0"), 2, 2f, 0f, 3));
        mlp.namedParameters().get("0.lora_B").data().copyFrom(Tensor.randn(4, 16, 2));
        Tensor viaSequential = mlp.forward(X).data();
        Tensor direct = mlp.get(2).forward(mlp.get(1).forward(mlp.get(0).forward(X))).data();
        TensorAssert.assertSame(direct, viaSequential, "Sequential runs the adapter");
        assertNotEquals(before.get(0, 0, 0), viaSequential.get(0, 0, 0));

        MultiHeadAttention attn = new MultiHeadAttention.Builder(8, 2).layout(MultiHeadAttention.Layout.SEPARATE).build(1);
        Tensor attnBefore = attn.forward(X).data();
        assertEquals(List.of("q_proj", "v_proj"), LoRA.apply(attn, List.of("q_proj", "v_proj"), 2, 2f, 0f, 3));
        attn.namedParameters().get("v_proj.lora_B").data().copyFrom(Tensor.randn(5, 8, 2));
        assertNotEquals(attnBefore.get(0, 0, 0), attn.forward(X).data().get(0, 0, 0), "v_proj adapter used");
    }

    /**
     * A ViT's packed attention: "**.self_attn" adapts in_proj (q/k/v), "**.self_attn.out_proj" the output Linear;
     * only the adapters train, and after a merge the state dict without them loads into a plain ViT (rel. 1e-5).
     */
    @Test
    void adaptsTheInputProjectionOfVisionTransformerAttention() {
        VisionTransformer.Config config = new VisionTransformer.Config(8, 1, 4, 8, 2, 2, 16, 3, 0f, 1);
        VisionTransformer vit = new VisionTransformer(config);
        Variable images = Variable.constant(Tensor.randn(4, 2, 1, 8, 8));
        Tensor before = vit.forward(images).data();
        List<String> adapted = LoRA.apply(vit, List.of("**.self_attn", "**.self_attn.out_proj"), 2, 4f, 0f, 5);
        assertEquals(List.of("encoder.layers.0.self_attn", "encoder.layers.0.self_attn.out_proj",
                "encoder.layers.1.self_attn", "encoder.layers.1.self_attn.out_proj"), adapted);
        Set<String> trainable = vit.namedParameters().entrySet().stream().filter(e -> e.getValue().requiresGrad())
                .map(java.util.Map.Entry::getKey).collect(Collectors.toSet());
        Set<String> expected = Set.of(0, 1).stream().flatMap(layer -> {
            String attn = "encoder.layers." + layer + ".self_attn.";
            return List.of(attn + "in_proj_lora_A", attn + "in_proj_lora_B", attn + "out_proj.lora_A",
                    attn + "out_proj.lora_B").stream();
        }).collect(Collectors.toSet());
        assertEquals(expected, trainable);
        // Per layer: in_proj A [2, 8] + B [24, 2], out_proj A [2, 8] + B [8, 2].
        assertEquals(2 * (2 * 8 + 24 * 2 + 2 * 8 + 8 * 2), vit.trainableParameterCount());
        TensorAssert.assertSame(before, vit.forward(images).data(), "B = 0: the ViT is unchanged");

        ReductionOps.sum(vit.forward(images)).backward();
        Tensor gradB = vit.namedParameters().get("encoder.layers.0.self_attn.in_proj_lora_B").grad();
        assertTrue(Reductions.sum(Elementwise.abs(gradB)).item() > 0, "in_proj_lora_B learns from the first step");
        assertNull(vit.namedParameters().get("encoder.layers.0.self_attn.in_proj_weight").grad(), "W_in frozen");

        vit.namedParameters().forEach((name, p) -> {
            if (name.endsWith("lora_B")) {
                p.data().copyFrom(Tensor.randn(name.hashCode(), p.shape()));
            }
        });
        Tensor adaptedOut = vit.forward(images).data();
        assertNotEquals(before.get(0, 0), adaptedOut.get(0, 0));
        Tensor w0 = vit.namedParameters().get("encoder.layers.1.self_attn.in_proj_weight").data().copy();
        LoRA.merge(vit);
        VisionTransformer plain = new VisionTransformer(new VisionTransformer.Config(8, 1, 4, 8, 2, 2, 16, 3, 0f, 99));
        plain.loadStateDict(LoRA.withoutAdapters(vit.stateDict()), true);
        ParityAssert.assertRelative(adaptedOut, plain.forward(images).data(), 1e-5, "plain ViT with merged weights");
        LoRA.unmerge(vit);
        assertArrayEquals(w0.toFloatArray(),
                vit.namedParameters().get("encoder.layers.1.self_attn.in_proj_weight").data().toFloatArray(),
                "unmerged exactly");

        LoRA.merge(vit);
        assertEquals(adapted, LoRA.remove(vit));
        assertEquals(plain.stateDict().keySet(), vit.stateDict().keySet());
        assertEquals(plain.toString(), vit.toString());
    }

    /** A target refused after others got their adapters leaves the whole model as it was. */
    @Test
    void applyThatFailsOnALaterTargetChangesNothing() {
        Module model = new Module() {
            {
                registerModule("fc", new Linear(8, 8, 1));
                registerModule("cross", new MultiHeadAttention.Builder(8, 2).kdim(6).vdim(6).build(2));
            }
        };
        List<String> keys = List.copyOf(model.stateDict().keySet());
        var e = assertThrows(IllegalArgumentException.class, () -> LoRA.apply(model, List.of("fc", "cross"), 2, 2f, 0f, 3));
        assertTrue(e.getMessage().contains("cross (MultiHeadAttention)"), e.getMessage());
        assertEquals(keys, List.copyOf(model.stateDict().keySet()));
        assertNull(((Linear) model.children().get("fc")).lora());
        assertTrue(model.parameters().stream().allMatch(Variable::requiresGrad));
    }

    @Test
    void applyOnAttentionWithoutPackedWeightFails() {
        MultiHeadAttention separate = new MultiHeadAttention.Builder(8, 2).layout(MultiHeadAttention.Layout.SEPARATE)
                .build(1);
        var e = assertThrows(IllegalArgumentException.class, () -> LoRA.apply(separate, List.of(""), 2, 2f, 0f, 3));
        assertTrue(e.getMessage().contains("SEPARATE layout"), e.getMessage());
        assertTrue(LoRA.isAdapterKey("a.self_attn.in_proj_lora_A") && LoRA.isAdapterKey("out_proj.lora_B"));
        assertTrue(!LoRA.isAdapterKey("a.self_attn.in_proj_weight") && !LoRA.isAdapterKey("lora_dense"));
    }
}
