package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.autograd.Variable;
import dev.cortado.nn.GELU;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Losses;
import dev.cortado.nn.Sequential;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.AdamStep;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tornado.graphs.Transfers;
import dev.cortado.training.optim.AdamW;
import dev.cortado.training.optim.ParamGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Device residency of the AdamW state: parameters and moments stay on the device between steps, host reads
 * and writes on either side are seen by the other, and the copies are exactly the ones the design promises.
 */
class TornadoResidencyTest {
    private static final int STEPS = 5;
    private static final int BATCH = 16;

    private record Run(List<Float> losses, Map<String, Variable> parameters, long[][] transfersPerStep) {
    }

    /** A 2-layer MLP with layer norm and GELU, trained for {@link #STEPS} AdamW steps on a fixed batch. */
    private static Run train(Backend backend, Transfers transfers) {
        var model = new Sequential(new Linear(12, 24, 3), new LayerNorm(24), new GELU(), new Linear(24, 5, 4));
        var optimizer = new AdamW(ParamGroups.of(model, 1e-2, 0.01));
        Tensor inputs = Tensor.randn(5, BATCH, 12);
        long[] classes = new long[BATCH];
        for (int i = 0; i < BATCH; i++) {
            classes[i] = i % 5;
        }
        Tensor labels = Tensor.fromLongs(classes, BATCH);
        List<Float> losses = new ArrayList<>();
        long[][] counts = new long[STEPS][];
        long uploads0 = transfers == null ? 0 : transfers.uploads();
        long downloads0 = transfers == null ? 0 : transfers.downloads();
        try (var scope = Backends.use(backend)) {
            model.train();
            for (int step = 0; step < STEPS; step++) {
                optimizer.zeroGrad();
                Variable loss = Losses.crossEntropy(model.forward(Variable.constant(inputs)), labels);
                loss.backward();
                losses.add(loss.data().item());
                optimizer.step();
                if (transfers != null) {
                    counts[step] = new long[] {transfers.uploads() - uploads0, transfers.downloads() - downloads0};
                }
            }
        }
        return new Run(losses, model.namedParameters(), counts);
    }

    @Test
    void fiveMlpStepsMatchTheCpuBackendWithTheStateOnTheDevice() {
        Run cpu = train(new CpuBackend(2), null);
        TornadoBackend tornado = DeviceCheck.backend();
        Run device = train(tornado, tornado.transfers());
        for (int step = 0; step < STEPS; step++) {
            assertClose(Tensor.scalar(cpu.losses().get(step)), Tensor.scalar(device.losses().get(step)),
                    "MLP step " + (step + 1) + " loss");
        }
        int parameters = cpu.parameters().size();
        for (int step = 0; step < STEPS; step++) {
            // Step 1 uploads θ, m and v of every parameter once; every step uploads each gradient (written on the
            // host side of the graphs that produce it) and, from step 2 on, downloads each θ once, when the
            // forward pass reads it. m and v never come back.
            long uploads = 3L * parameters + (step + 1L) * parameters;
            long downloads = (long) step * parameters;
            System.out.printf("MLP step %d: %d uploads, %d downloads of resident buffers (%d parameters)%n", step + 1,
                    device.transfersPerStep()[step][0], device.transfersPerStep()[step][1], parameters);
            assertEquals(uploads, device.transfersPerStep()[step][0], "uploads after step " + (step + 1));
            assertEquals(downloads, device.transfersPerStep()[step][1], "downloads after step " + (step + 1));
        }
        long before = tornado.transfers().downloads();
        for (String name : cpu.parameters().keySet()) {
            assertClose(cpu.parameters().get(name).data(), device.parameters().get(name).data(),
                    "MLP param after " + STEPS + " steps " + name);
        }
        assertEquals(before + parameters, tornado.transfers().downloads(), "reading the final weights downloads each once");
    }

    @Test
    void hostAndDeviceWritesAreSeenByTheOtherSide() {
        TornadoBackend tornado = DeviceCheck.backend();
        Backend cpu = CpuBackend.shared();
        int n = 300;
        Tensor theta = Tensor.randn(21, n);
        Tensor m = Tensor.zeros(n);
        Tensor v = Tensor.zeros(n);
        Tensor hostTheta = theta.copy();
        Tensor hostM = m.copy();
        Tensor hostV = v.copy();
        Transfers transfers = tornado.transfers();
        for (int step = 1; step <= 4; step++) {
            Tensor grad = Tensor.randn(30 + step, n);
            AdamStep scalars = AdamStep.adamW(0.9, 0.999, 1e-8, 1e-2, 0.01, step);
            long uploads = transfers.uploads();
            long downloads = transfers.downloads();
            tornado.adamStep(theta, grad, m, v, scalars);
            cpu.adamStep(hostTheta, grad, hostM, hostV, scalars);
            // Device write, then a host read: the host sees the device's values.
            assertClose(hostTheta, theta, "theta read on the host after device step " + step);
            if (step == 2) {
                // Host writes after a device write (one element, a slice, a moment): the next device step must see them.
                theta.set(0.5f, 7);
                hostTheta.set(0.5f, 7);
                theta.narrow(0, 100, 50).copyFrom(Tensor.full(-0.25f, 50));
                hostTheta.narrow(0, 100, 50).copyFrom(Tensor.full(-0.25f, 50));
                m.narrow(0, 200, 10).copyFrom(Tensor.zeros(10));
                hostM.narrow(0, 200, 10).copyFrom(Tensor.zeros(10));
            }
            if (step == 3) {
                // θ and m written on the host: the graph is rebuilt and uploads θ, m, v (v first comes down).
                assertEquals(uploads + 4, transfers.uploads(), "step 3 uploads θ, m, v and the gradient");
                assertEquals(downloads + 1 + 1, transfers.downloads(), "step 3 downloads v before the rebuild, then θ for the read");
            } else if (step > 1) {
                assertEquals(uploads + 1, transfers.uploads(), "step " + step + " uploads only the gradient");
            }
        }
        assertClose(hostM, m, "exp_avg after 4 device steps with host writes");
        assertClose(hostV, v, "exp_avg_sq after 4 device steps with host writes");
        assertClose(hostTheta, theta, "theta after 4 device steps with host writes");
    }
}
