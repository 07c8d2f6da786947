package dev.cortado.training.optim;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Module;
import dev.cortado.nn.Sequential;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter groups built from a small model: one group, the decay split, groups from name globs. */
class ParamGroupsTest {
    /** encoder (Linear 4→3 + LayerNorm over [2, 3], a 2-D norm weight), head (Linear 3→2), a scalar logit_scale. */
    static final class Tiny extends Module {
        Tiny() {
            registerModule("encoder", new Sequential(new Linear(4, 6, 1), new LayerNorm(new int[] {2, 3}, 1e-5f, true)));
            registerModule("head", new Linear(3, 2, 2));
            registerParameter("logit_scale", Tensor.scalar(2.6f));
        }
    }

    private static List<String> names(ParamGroup group) {
        return List.copyOf(group.parameters().keySet());
    }

    @Test
    void oneGroupHoldsEveryParameterFrozenOnesIncluded() {
        Tiny model = new Tiny();
        model.freeze("encoder");
        List<ParamGroup> groups = ParamGroups.of(model, 0.1, 0.01);
        assertEquals(1, groups.size());
        assertEquals(List.copyOf(model.namedParameters().keySet()), names(groups.get(0)));
        assertEquals(0.01, groups.get(0).weightDecay());
        List<ParamGroup> loose = ParamGroups.of(List.of(Variable.parameter(Tensor.zeros(2)), Variable.parameter(Tensor.zeros(3))), 0.1, 0);
        assertEquals(List.of("0", "1"), names(loose.get(0)));
    }

    @Test
    void decaySplitExemptsBiasesNormsAndScalars() {
        Tiny model = new Tiny();
        List<ParamGroup> groups = ParamGroups.decaySplit(model, 1e-3, 0.05);
        assertEquals(ParamGroups.DECAY, groups.get(0).name());
        assertEquals(List.of("encoder.0.weight", "head.weight"), names(groups.get(0)));
        assertEquals(0.05, groups.get(0).weightDecay());
        assertEquals(ParamGroups.NO_DECAY, groups.get(1).name());
        assertEquals(List.of("logit_scale", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias", "head.bias"), names(groups.get(1)));
        assertEquals(0.0, groups.get(1).weightDecay());
        assertEquals(1e-3, groups.get(1).lr());
        assertTrue(ParamGroups.isNoDecay(model, "encoder.1.weight"), "a 2-D LayerNorm weight is still a norm parameter");
    }

    @Test
    void byPatternsGivesEachParameterToTheFirstMatchingSpec() {
        Tiny model = new Tiny();
        List<ParamGroup> groups = ParamGroups.byPatterns(model, List.of(
                new ParamGroups.Spec("head", List.of("head", "logit_scale"), 1e-2, 0.1),
                new ParamGroups.Spec("norms", List.of("encoder.1"), 1e-3, 0),
                new ParamGroups.Spec("rest", List.of("**"), 1e-4, 0.1)));
        assertEquals(List.of("logit_scale", "head.weight", "head.bias"), names(groups.get(0)));
        assertEquals(List.of("encoder.1.weight", "encoder.1.bias"), names(groups.get(1)));
        assertEquals(List.of("encoder.0.weight", "encoder.0.bias"), names(groups.get(2)));
        assertEquals(1e-4, groups.get(2).baseLr());

        List<ParamGroup> split = ParamGroups.byPatterns(model, List.of(
                new ParamGroups.Spec("head", List.of("head"), 1e-2, 0.1),
                new ParamGroups.Spec("rest", List.of("**"), 1e-4, 0.1)), true);
        assertEquals(List.of("head", "head.no_decay", "rest", "rest.no_decay"), split.stream().map(ParamGroup::name).toList());
        assertEquals(List.of("head.weight"), names(split.get(0)));
        assertEquals(List.of("head.bias"), names(split.get(1)));
        assertEquals(0.0, split.get(1).weightDecay());
        assertEquals(List.of("logit_scale", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias"), names(split.get(3)));
    }

    @Test
    void byPatternsRejectsUnmatchedParametersAndGlobsThatMatchNothing() {
        Tiny model = new Tiny();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamGroups.byPatterns(model, List.of(
                new ParamGroups.Spec("head", List.of("head"), 1e-2, 0),
                new ParamGroups.Spec("typo", List.of("encdoer.*"), 1e-3, 0))));
        assertTrue(e.getMessage().contains("glob \"encdoer.*\" of spec typo matches no parameter"), e.getMessage());
        String unmatched = "no spec matches [logit_scale, encoder.0.weight, encoder.0.bias, encoder.1.weight, encoder.1.bias]";
        assertTrue(e.getMessage().contains(unmatched), e.getMessage());
    }
}
