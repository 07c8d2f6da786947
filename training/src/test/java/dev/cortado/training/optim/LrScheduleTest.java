package dev.cortado.training.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.Fixtures;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Schedules against torch.optim.lr_scheduler (tools/reference/gen_optim.py): StepLR, OneCycleLR (cos, two
 * phases, no momentum cycling) and LambdaLR with the warm-up + cosine formula, for every step of a run and two
 * groups with different base rates; plus hand values. Tolerance: 1e-12 relative (PyTorch's StepLR multiplies
 * step by step, ours takes a power; libm's cos may differ in the last bit).
 */
class LrScheduleTest {
    private static final double RTOL = 1e-12;

    static List<Fixtures.Case> cases() {
        return Fixtures.load("optim.json").stream()
                .filter(c -> Set.of("step", "one_cycle", "warmup_cosine").contains(c.op())).toList();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c) {
        LrSchedule schedule = switch (c.op()) {
            case "step" -> new StepLr(c.intArg("step_size"), c.doubleArg("gamma"));
            case "one_cycle" -> new OneCycleLr(c.intArg("total_steps"), c.doubleArg("pct_start"), c.doubleArg("div_factor"),
                    c.doubleArg("final_div_factor"));
            default -> new WarmupCosineLr(c.intArg("warmup_steps"), c.intArg("total_steps"), c.doubleArg("min_lr_ratio"));
        };
        JsonNode baseLrs = c.args().get("base_lrs");
        JsonNode lrs = c.args().get("lrs");
        for (int step = 0; step < lrs.size(); step++) {
            for (int g = 0; g < baseLrs.size(); g++) {
                double expected = lrs.get(step).get(g).asDouble();
                double actual = schedule.lr(baseLrs.get(g).asDouble(), step);
                assertEquals(expected, actual, RTOL * Math.abs(expected), c.name() + " group " + g + " step " + step);
            }
        }
    }

    @Test
    void handValues() {
        assertEquals(0.3, new ConstantLr().lr(0.3, 12345));
        StepLr step = new StepLr(10, 0.1);
        assertEquals(1.0, step.lr(1.0, 9));
        assertEquals(0.1, step.lr(1.0, 10), 1e-15);
        assertEquals(0.01, step.lr(1.0, 29), 1e-15);
        // W = 4, T = 14, r = 0.1: warm-up 1/4, 2/4, 3/4, 4/4; cosine: 1 at t = 4, 0.55 at t = 9 (p = 1/2), 0.1 from t = 14.
        WarmupCosineLr warmup = new WarmupCosineLr(4, 14, 0.1);
        assertEquals(0.25, warmup.lr(1.0, 0), 1e-15);
        assertEquals(1.0, warmup.lr(1.0, 3), 1e-15);
        assertEquals(1.0, warmup.lr(1.0, 4), 1e-15);
        assertEquals(0.55, warmup.lr(1.0, 9), 1e-15);
        assertEquals(0.1, warmup.lr(1.0, 14), 1e-15);
        assertEquals(0.1, warmup.lr(1.0, 1000), 1e-15);
        // One cycle, N = 10, p = 0.3: starts at base/25, peaks at base at t = 2 (e₁ = 2), ends at base/25/1e4 at t = 9.
        OneCycleLr cycle = new OneCycleLr(10);
        assertEquals(0.04, cycle.lr(1.0, 0), 1e-15);
        assertEquals(1.0, cycle.lr(1.0, 2), 1e-15);
        assertEquals(4e-6, cycle.lr(1.0, 9), 1e-18);
    }

    @Test
    void applySetsEveryGroupsRateFromItsBaseRate() {
        Variable a = Variable.parameter(Tensor.zeros(2));
        Variable b = Variable.parameter(Tensor.zeros(2));
        SGD sgd = new SGD(List.of(new ParamGroup("a", Map.of("a", a), 0.1, 0), new ParamGroup("b", Map.of("b", b), 0.01, 0)));
        new StepLr(2, 0.5).apply(sgd, 4);
        assertEquals(0.025, sgd.groups().get(0).lr(), 1e-15);
        assertEquals(0.0025, sgd.groups().get(1).lr(), 1e-15);
        assertEquals(0.1, sgd.groups().get(0).baseLr());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new StepLr(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineLr(10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineLr(0, 10, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new OneCycleLr(10, 0, 25, 1e4));
        assertThrows(IllegalArgumentException.class, () -> new OneCycleLr(10).lr(1.0, 11));
        assertThrows(IllegalArgumentException.class, () -> new ConstantLr().lr(1.0, -1));
    }
}
