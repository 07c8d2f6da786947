package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.GELU;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Losses;
import dev.cortado.nn.Sequential;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BackendUnavailableException;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tornado.graphs.StepCapture;
import dev.cortado.training.optim.AdamW;
import dev.cortado.training.optim.ParamGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Captured training steps ({@code Backend.step}) on the TornadoVM backend: after two recorded steps the step
 * runs as one device plan with parameters, moments and activations resident, and every loss and parameter
 * still matches the CPU backend, also when the host reads mid-step, writes a parameter between steps, or a
 * step differs from the plan.
 */
class TornadoStepTest {
    private static final int BATCH = 16;

    /** A 2-layer MLP with layer norm and GELU, an AdamW optimiser and a fixed batch. */
    private static final class Job {
        final Sequential model = new Sequential(new Linear(12, 24, 3), new LayerNorm(24), new GELU(), new Linear(24, 5, 4));
        final AdamW optimizer = new AdamW(ParamGroups.of(model, 1e-2, 0.01));
        final Backend backend;

        Job(Backend backend) {
            this.backend = backend;
            model.train();
        }

        /** One step on a batch of {@code batch} rows; the loss is read after the update, or before it. */
        float step(int batch, boolean readLossFirst) {
            Tensor inputs = Tensor.randn(5 + batch, batch, 12);
            long[] classes = new long[batch];
            for (int i = 0; i < batch; i++) {
                classes[i] = i % 5;
            }
            Tensor labels = Tensor.fromLongs(classes, batch);
            try (var scope = Backends.use(backend)) {
                return backend.step(() -> {
                    optimizer.zeroGrad();
                    Variable loss = Losses.crossEntropy(model.forward(Variable.constant(inputs)), labels);
                    float early = readLossFirst ? loss.data().item() : Float.NaN;
                    loss.backward();
                    optimizer.step();
                    return readLossFirst ? early : loss.data().item();
                });
            }
        }
    }

    private static TornadoBackend freshBackend() {
        try {
            return TornadoBackend.open(true, true);
        } catch (BackendUnavailableException e) {
            throw new AssertionError("these tests need a TornadoVM device: " + e.getMessage(), e);
        }
    }

    private static void assertSameParameters(Job cpu, Job device, String when) {
        Map<String, Variable> expected = cpu.model.namedParameters();
        Map<String, Variable> actual = device.model.namedParameters();
        for (String name : expected.keySet()) {
            assertClose(expected.get(name).data(), actual.get(name).data(), when + " " + name);
        }
    }

    @Test
    void repeatedStepsReplayOnTheDeviceMovingOnlyTheBatchAndTheLoss() {
        TornadoBackend tornado = freshBackend();
        Job cpu = new Job(new CpuBackend(2));
        Job device = new Job(tornado);
        List<long[]> transfers = new ArrayList<>();
        for (int step = 1; step <= 6; step++) {
            long uploads = tornado.transfers().uploads();
            long downloads = tornado.transfers().downloads();
            assertClose(Tensor.scalar(cpu.step(BATCH, false)), Tensor.scalar(device.step(BATCH, false)),
                    "step " + step + " loss");
            transfers.add(new long[] {tornado.transfers().uploads() - uploads, tornado.transfers().downloads() - downloads});
        }
        StepCapture.Stats stats = tornado.stepStats();
        System.out.printf("step capture: %s; copies per step (uploads, downloads): %s%n", stats,
                transfers.stream().map(t -> t[0] + "/" + t[1]).toList());
        assertEquals(1, stats.plansBuilt(), "one plan, built after steps 1 and 2 matched");
        assertEquals(4, stats.stepsReplayed(), "steps 3 to 6 replayed");
        assertEquals(0, stats.stepsLeft());
        // Step 3 uploads every parameter and moment once (graph 0); from step 4 a step uploads the new batch,
        // the labels twice (the loss's gather and the backward's scatter-add stage them) and downloads the loss.
        for (int step = 4; step <= 6; step++) {
            assertEquals(8, transfers.get(step - 1)[0], "step " + step + " uploads: the batch, the labels twice, 5 host-made constants");
            assertEquals(1, transfers.get(step - 1)[1], "step " + step + " downloads: the loss");
        }
        assertSameParameters(cpu, device, "after 6 steps");

        // A host write to a parameter between steps is uploaded before the next replay.
        for (Job job : List.of(cpu, device)) {
            job.model.namedParameters().values().iterator().next().data().narrow(0, 0, 2).copyFrom(Tensor.full(0.5f, 2, 12));
        }
        assertClose(Tensor.scalar(cpu.step(BATCH, false)), Tensor.scalar(device.step(BATCH, false)),
                "loss after a host write");
        assertEquals(5, tornado.stepStats().stepsReplayed());

        // A step with another batch size leaves the plan; the next one records again.
        assertClose(Tensor.scalar(cpu.step(BATCH / 2, false)), Tensor.scalar(device.step(BATCH / 2, false)),
                "loss of a smaller batch");
        assertEquals(1, tornado.stepStats().stepsLeft());
        for (int step = 0; step < 3; step++) {
            assertClose(Tensor.scalar(cpu.step(BATCH, false)), Tensor.scalar(device.step(BATCH, false)),
                    "loss after the smaller batch, step " + step);
        }
        assertEquals(2, tornado.stepStats().plansBuilt(), "a new plan once two full steps matched again");
        assertSameParameters(cpu, device, "at the end");
    }

    @Test
    void aHostReadMidStepIsLearntAsAGraphBoundary() {
        TornadoBackend tornado = freshBackend();
        Job cpu = new Job(new CpuBackend(2));
        Job device = new Job(tornado);
        for (int step = 1; step <= 5; step++) {
            assertClose(Tensor.scalar(cpu.step(BATCH, true)), Tensor.scalar(device.step(BATCH, true)),
                    "step " + step + " loss read before backward");
        }
        StepCapture.Stats stats = tornado.stepStats();
        System.out.println("step capture with a mid-step read: " + stats);
        // Step 3 meets the read where no graph ends, finishes op by op and rebuilds with a boundary there.
        assertEquals(1, stats.stepsLeft());
        assertEquals(2, stats.plansBuilt());
        assertEquals(2, stats.stepsReplayed());
        assertSameParameters(cpu, device, "after 5 steps");
    }

    @Test
    void aTensorOfAnEarlierReplayedStepCannotBeReadAfterItsBufferIsReused() {
        TornadoBackend tornado = freshBackend();
        Job device = new Job(tornado);
        Tensor inputs = Tensor.randn(1, BATCH, 12);
        List<Tensor[]> results = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            try (var scope = Backends.use(tornado)) {
                results.add(tornado.step(() -> {
                    device.optimizer.zeroGrad();
                    Variable out = device.model.forward(Variable.constant(inputs));
                    Variable total = out.sum();
                    total.backward();
                    device.optimizer.step();
                    return new Tensor[] {out.data(), total.data()};
                }));
            }
            if (step == 3) {
                results.get(3)[0].toFloatArray(); // readable until the next step starts
            }
        }
        assertEquals(3, tornado.stepStats().stepsReplayed(), "steps 3 to 5 replayed");
        results.get(3)[0].toFloatArray(); // read during its own step: on the host already
        results.get(4)[1].item();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> results.get(3)[1].item());
        System.out.println("reading a reused buffer: " + e.getMessage());
    }
}
