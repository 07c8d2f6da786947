package dev.cortado.training.strategies;

import dev.cortado.autograd.ReductionOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.TensorAssert;
import dev.cortado.training.optim.ParamGroup;
import dev.cortado.training.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer groups on a real ViT, the gradual-unfreezing schedule (per epoch, per N steps, resumed) and the LRs. */
class GradualUnfreezingTest {
    /** depth 2 → groups: 0 head+norm, 1 encoder.layers.1, 2 encoder.layers.0, 3 embeddings. */
    private static final LayerGroups GROUPS = LayerGroups.visionTransformer(2);

    private static VisionTransformer tinyVit() {
        return new VisionTransformer(new VisionTransformer.Config(8, 1, 4, 8, 2, 2, 16, 5, 0f, 11));
    }

    /** Names of the trainable parameters, expected as the union of the first {@code due} groups. */
    private static Set<String> trainable(VisionTransformer vit) {
        Set<String> out = new TreeSet<>();
        vit.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) {
                out.add(name);
            }
        });
        return out;
    }

    private static Set<String> firstGroups(VisionTransformer vit, int due) {
        Set<String> out = new TreeSet<>();
        GROUPS.resolve(vit).subList(0, due).forEach(g -> out.addAll(g.keySet()));
        return out;
    }

    @Test
    void vitGroupsHoldTheRealParameterNames() {
        List<Map<String, Variable>> groups = GROUPS.resolve(tinyVit());
        assertEquals(4, groups.size());
        assertEquals(List.of("norm.weight", "norm.bias", "head.weight", "head.bias"), List.copyOf(groups.get(0).keySet()));
        assertTrue(groups.get(1).keySet().stream().allMatch(n -> n.startsWith("encoder.layers.1.")), groups.get(1).toString());
        assertTrue(groups.get(1).containsKey("encoder.layers.1.self_attn.in_proj_weight"));
        assertTrue(groups.get(2).keySet().stream().allMatch(n -> n.startsWith("encoder.layers.0.")));
        assertEquals(List.of("class_token", "pos_embedding", "patch_embed.weight", "patch_embed.bias"),
                List.copyOf(groups.get(3).keySet()));
    }

    @Test
    void badGroupsAreNamed() {
        VisionTransformer vit = tinyVit();
        var missing = assertThrows(IllegalArgumentException.class,
                () -> LayerGroups.of(List.of("head", "norm"), List.of("encoder.**")).resolve(vit));
        assertTrue(missing.getMessage().contains("[class_token, pos_embedding, patch_embed.weight, patch_embed.bias]"),
                missing.getMessage());
        var typo = assertThrows(IllegalArgumentException.class,
                () -> LayerGroups.of(List.of("head", "norm", "nrom"), List.of("**")).resolve(vit));
        assertTrue(typo.getMessage().contains("[nrom]"), typo.getMessage());
        var empty = assertThrows(IllegalArgumentException.class,
                () -> LayerGroups.of(List.of("**"), List.of("head")).resolve(vit));
        assertTrue(empty.getMessage().contains("group 1 [head]"), empty.getMessage());
    }

    @Test
    void oneMoreGroupPerEpoch() {
        VisionTransformer vit = tinyVit();
        GradualUnfreezing unfreezing = GradualUnfreezing.perEpoch(GROUPS);
        unfreezing.onTrainStart(new Position(vit, 0, 0));
        int[] expectedDue = {1, 2, 3, 4, 4, 4};
        for (int epoch = 0; epoch < expectedDue.length; epoch++) {
            unfreezing.onEpochStart(new Position(vit, epoch, 10L * epoch));
            assertEquals(expectedDue[epoch], unfreezing.groupsDue(epoch, 10L * epoch));
            assertEquals(firstGroups(vit, expectedDue[epoch]), trainable(vit), "epoch " + epoch);
        }
        // every second epoch: due = min(4, 1 + ⌊e / 2⌋)
        GradualUnfreezing slow = new GradualUnfreezing(GROUPS, GradualUnfreezing.Unit.EPOCHS, 2);
        int[] slowDue = {1, 1, 2, 2, 3, 3, 4, 4, 4};
        for (int epoch = 0; epoch < slowDue.length; epoch++) {
            assertEquals(slowDue[epoch], slow.groupsDue(epoch, 0), "interval 2, epoch " + epoch);
        }
    }

    @Test
    void oneMoreGroupEveryNSteps() {
        VisionTransformer vit = tinyVit();
        GradualUnfreezing unfreezing = GradualUnfreezing.everySteps(GROUPS, 3);
        unfreezing.onTrainStart(new Position(vit, 0, 0));
        assertEquals(firstGroups(vit, 1), trainable(vit));
        // after the step that brings the count to s, the next step runs with min(4, 1 + ⌊s / 3⌋) groups
        int[] expectedDue = {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4};
        for (int s = 1; s < expectedDue.length; s++) {
            unfreezing.onStepEnd(new Position(vit, s / 5, s), 0.5);
            assertEquals(firstGroups(vit, expectedDue[s]), trainable(vit), "after " + s + " steps");
        }
    }

    @Test
    void resumedRunRestoresTheTrainableSetAndClearsFrozenGradients() {
        VisionTransformer vit = tinyVit();   // everything trainable, as a freshly built model
        ReductionOps.sum(vit.forward(Variable.constant(Tensor.randn(1, 2, 1, 8, 8)))).backward();
        GradualUnfreezing.perEpoch(GROUPS).onTrainStart(new Position(vit, 2, 40));
        assertEquals(firstGroups(vit, 3), trainable(vit));
        vit.namedParameters().forEach((name, p) -> {
            if (!p.requiresGrad()) {
                assertNull(p.grad(), name + " frozen with its gradient cleared");
            }
        });
        GradualUnfreezing.everySteps(GROUPS, 3).onTrainStart(new Position(vit, 0, 4));
        assertEquals(firstGroups(vit, 2), trainable(vit), "step mode resumed at step 4: 1 + ⌊4/3⌋ = 2 groups");
    }

    @Test
    void discriminativeRatesDivideByTheFactorPerGroup() {
        VisionTransformer vit = tinyVit();
        List<ParamGroup> groups = DiscriminativeLr.paramGroups(vit, GROUPS, 1e-3, DiscriminativeLr.ULMFIT_FACTOR, 0.05);
        double[] expected = {1e-3, 1e-3 / 2.6, 1e-3 / 6.76, 1e-3 / 17.576};   // 2.6^0 … 2.6^3
        assertEquals(4, groups.size());
        for (int k = 0; k < 4; k++) {
            assertEquals("layer_group." + k, groups.get(k).name());
            assertEquals(expected[k], groups.get(k).lr(), 1e-15, "group " + k);
            assertEquals(expected[k], groups.get(k).baseLr(), 1e-15);
            assertEquals(0.05, groups.get(k).weightDecay());
            assertEquals(GROUPS.resolve(vit).get(k).keySet(), groups.get(k).parameters().keySet());
        }
        var unmatched = assertThrows(IllegalArgumentException.class, () -> DiscriminativeLr.paramGroups(vit,
                LayerGroups.of(List.of("head", "norm", "encoder")), 1e-3, 2.6, 0));
        assertTrue(unmatched.getMessage().contains("class_token"), unmatched.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DiscriminativeLr.paramGroups(vit, GROUPS, 1e-3, 0.5, 0));
    }

    /** Unfreezing and the rates together: at epoch 1 only groups 0 and 1 move, each by its own lr·g. */
    @Test
    void frozenGroupsStayAndTrainableOnesMoveWithTheirRate() {
        VisionTransformer vit = tinyVit();
        List<ParamGroup> groups = DiscriminativeLr.paramGroups(vit, GROUPS, 0.1, 2, 0);
        SGD sgd = new SGD(groups);
        GradualUnfreezing.perEpoch(GROUPS).onTrainStart(new Position(vit, sgd, 1, 7));
        Map<String, Tensor> before = new LinkedHashMap<>();
        vit.stateDict().forEach((k, v) -> before.put(k, v.copy()));
        ReductionOps.sum(vit.forward(Variable.constant(Tensor.randn(2, 3, 1, 8, 8)))).backward();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        vit.namedParameters().forEach((k, p) -> grads.put(k, p.grad()));
        sgd.step();
        for (int k = 0; k < groups.size(); k++) {
            for (String name : groups.get(k).parameters().keySet()) {
                Tensor now = vit.stateDict().get(name);
                if (k < 2) {
                    // θ' = θ − lr_k·g exactly as plain SGD computes it, lr_k = 0.1 / 2^k
                    Tensor expected = Elementwise.sub(before.get(name), Elementwise.mul(grads.get(name), (float) (0.1 / (1 << k))));
                    TensorAssert.assertSame(expected, now, name);
                } else {
                    assertNull(grads.get(name), name + " is frozen");
                    TensorAssert.assertSame(before.get(name), now, name + " unchanged");
                }
            }
        }
    }
}
