package dev.cortado.tornado;

import static dev.cortado.tornado.DeviceCheck.assertClose;
import static dev.cortado.tornado.DeviceCheck.backend;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.AdamStep;
import dev.cortado.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** The AdamW update on the device against the sequential loop ({@code Backend.adamStep}'s default, which the CPU backend runs). */
class TornadoAdamTest {
    @Test
    void threeAdamWStepsMatchTheSequentialLoop() {
        int n = 1000;
        Tensor theta = Tensor.randn(1, n);
        Tensor m = Tensor.zeros(n);
        Tensor v = Tensor.zeros(n);
        Tensor hostTheta = theta.copy();
        Tensor hostM = m.copy();
        Tensor hostV = v.copy();
        for (int step = 1; step <= 3; step++) {
            Tensor grad = Tensor.randn(10 + step, n);
            AdamStep scalars = AdamStep.adamW(0.9, 0.999, 1e-8, 1e-3, 0.01, step);
            backend().adamStep(theta, grad, m, v, scalars);
            CpuBackend.shared().adamStep(hostTheta, grad, hostM, hostV, scalars);
        }
        assertClose(hostTheta, theta, "adamW theta after 3 steps");
        assertClose(hostM, m, "adamW exp_avg after 3 steps");
        assertClose(hostV, v, "adamW exp_avg_sq after 3 steps");
    }
}
