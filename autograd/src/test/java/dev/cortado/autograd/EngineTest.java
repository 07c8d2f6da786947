package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {
    @Test
    void diamondGraphSumsBothPathsAndRunsEachNodeOnce() {
        // y = (x·x) + (x·3) at x = 2: dy/dx = 2x + 3 = 7 per element.
        Variable x = Variable.parameter(Tensor.full(2f, 3));
        Variable y = x.mul(x).add(x.mul(3f)).sum();
        y.backward();
        assertClose(Tensor.full(7f, 3), x.grad(), 0, 0, "dy/dx");
    }

    @Test
    void gradientsAccumulateAcrossBackwardsUntilZeroGrad() {
        Variable x = Variable.parameter(Tensor.fromArray(new float[] {1, 2}, 2));
        x.mul(x).sum().backward();
        x.mul(x).sum().backward();
        assertClose(Tensor.fromArray(new float[] {4, 8}, 2), x.grad(), 0, 0, "two backwards add up");
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void constantsGetNoGradientAndRecordNoGraph() {
        Variable c = Variable.constant(Tensor.ones(2));
        Variable p = Variable.parameter(Tensor.ones(2));
        Variable y = c.mul(p).sum();
        assertTrue(y.requiresGrad());
        y.backward();
        assertNull(c.grad());
        assertFalse(c.add(c).requiresGrad(), "ops on constants only are constants");
    }

    @Test
    void noGradScopeRecordsNothing() {
        Variable p = Variable.parameter(Tensor.ones(2));
        Variable y;
        try (var scope = NoGrad.enter()) {
            assertFalse(NoGrad.isGradEnabled());
            y = p.mul(p).sum();
        }
        assertTrue(NoGrad.isGradEnabled());
        assertTrue(y.isLeaf());
        assertFalse(y.requiresGrad());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
    }

    @Test
    void detachCutsTheGraph() {
        Variable p = Variable.parameter(Tensor.full(3f, 1));
        Variable y = p.mul(p.detach()).sum();   // d/dp = p.detach() = 3, not 2p
        y.backward();
        assertEquals(3f, p.grad().item());
    }

    @Test
    void nonScalarBackwardNeedsASeed() {
        Variable p = Variable.parameter(Tensor.ones(2, 3));
        Variable y = p.mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("seed"), e.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)));
        assertTrue(wrong.getMessage().contains("[3]") && wrong.getMessage().contains("[2, 3]"), wrong.getMessage());
        y.backward(Tensor.ones(2, 3));
        assertClose(Tensor.full(2f, 2, 3), p.grad(), 0, 0, "seeded backward");
    }

    @Test
    void aSeedThatIsNotFloat32IsRefused() {
        Variable p = Variable.parameter(Tensor.ones(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.backward(Tensor.ones(2).to(dev.cortado.tensor.DType.INT64)));
        assertEquals("backward: seed gradient must be FLOAT32, got INT64 of shape [2]", e.getMessage());
        assertNull(p.grad(), "a leaf keeps no gradient of another dtype");
        assertThrows(IllegalArgumentException.class,
                () -> p.mul(2f).backward(Tensor.ones(2).to(dev.cortado.tensor.DType.INT64)));
    }

    @Test
    void secondBackwardThroughAFreedGraphFails() {
        Variable p = Variable.parameter(Tensor.ones(2));
        Variable y = p.mul(p).sum();
        y.backward();
        assertTrue(y.creator().isReleased(), "backward frees the graph as it goes");
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
    }

    @Test
    void inPlaceChangeOfASavedTensorFailsBackward() {
        Tensor data = Tensor.ones(2);
        Variable p = Variable.parameter(data);
        Variable y = MathOps.exp(p).sum();
        data.set(5f, 0);   // exp saved its output, not p, so this is fine ...
        data.markModified();
        y.backward();
        Variable z = MathOps.log(p).sum();
        data.set(2f, 1);   // ... but log saved p itself
        data.markModified();
        IllegalStateException e = assertThrows(IllegalStateException.class, z::backward);
        assertTrue(e.getMessage().startsWith("log backward") && e.getMessage().contains("modified in place"),
                e.getMessage());
    }

    /** Ops whose backward reads their own output save it, so changing the output in place fails backward. */
    @Test
    void inPlaceChangeOfAnOutputThatBackwardReadsFails() {
        Variable x = Variable.parameter(Tensor.fromArray(new float[] {1, 3, 2}, 3));
        Variable max = ReductionOps.max(x, new int[] {0}, true);
        Variable y = max.sum();
        max.data().set(2f, 0);
        max.data().markModified();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().startsWith("max backward") && e.getMessage().contains("modified in place"),
                e.getMessage());

        Variable lse = ReductionOps.logsumexp(x, new int[] {0}, false);
        Variable z = lse.mul(2f);
        lse.data().set(0f);
        lse.data().markModified();
        e = assertThrows(IllegalStateException.class, z::backward);
        assertTrue(e.getMessage().startsWith("logsumexp backward"), e.getMessage());

        Variable v = Variable.parameter(Tensor.randn(1, 2, 2, 3));
        Variable normed = NormOps.batchNormTraining(v, null, null, 1e-5f).output();
        Variable w = SoftmaxOps.softmax(normed, 2).mul(Variable.constant(Tensor.randn(2, 2, 2, 3))).sum();
        normed.data().set(0f, 0, 0, 0);
        normed.data().markModified();
        e = assertThrows(IllegalStateException.class, w::backward);
        assertTrue(e.getMessage().startsWith("batch_norm backward"), e.getMessage());
    }

    @Test
    void deepChainDoesNotOverflowTheStack() {
        Variable p = Variable.parameter(Tensor.ones(1));
        Variable y = p;
        for (int i = 0; i < 100_000; i++) {
            y = y.add(Variable.constant(Tensor.ones(1)));
        }
        y.sum().backward();
        assertEquals(1f, p.grad().item());
    }

    @Test
    void whereRoutesTheGradientToTheChosenBranchOnly() {
        // The condition picks a everywhere: b's branch receives zeros, p gets 3 through a only.
        Variable p = Variable.parameter(Tensor.full(2f, 2));
        Variable a = p.mul(3f);
        Variable b = p.mul(p);
        Variable y = MathOps.where(Tensor.fromBooleans(new boolean[] {true, true}, 2), a, b).sum();
        y.backward();
        assertClose(Tensor.full(3f, 2), p.grad(), 0, 0, "gradient through a only");
    }

    @Test
    void aBranchThatReceivesNoGradientIsReleasedWithoutRunning() {
        // A custom op that passes nothing back (null) to an input that requires a gradient: the branch below
        // it gets no gradient, is not run, and is still freed; the other path still reaches p.
        Variable p = Variable.parameter(Tensor.full(2f, 2));
        Variable branch = p.mul(p);
        Variable blocked = Node.record("stop_gradient", branch.data(), new Tensor[0], g -> new Tensor[] {null}, branch);
        Variable y = blocked.add(p.mul(3f)).sum();
        y.backward();
        assertClose(Tensor.full(3f, 2), p.grad(), 0, 0, "only the direct path contributes");
        assertTrue(branch.creator().isReleased(), "the unreached branch is freed too");
    }
}
