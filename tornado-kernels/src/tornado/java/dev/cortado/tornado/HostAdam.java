package dev.cortado.tornado;

import dev.cortado.tensor.Tensor;

/**
 * The sequential Adam/AdamW step, element by element in the order of {@code OptimizerKernels.adam}: the CPU
 * path of {@link TornadoBackend#adamStep} when the device kernel cannot run, and the reference its test
 * compares with.
 */
final class HostAdam {
    private HostAdam() {
    }

    /** Updates contiguous θ, m and v in place. */
    static void step(Tensor theta, Tensor grad, Tensor m, Tensor v, AdamStep s) {
        Tensor g = grad.contiguous();
        float[] t = theta.floatData();
        float[] gd = g.floatData();
        float[] md = m.floatData();
        float[] vd = v.floatData();
        for (int i = 0; i < theta.numel(); i++) {
            float ti = t[theta.offset() + i];
            float gi = gd[g.offset() + i] + s.l2() * ti;
            float mi = s.beta1() * md[m.offset() + i] + s.oneMinusBeta1() * gi;
            float vi = s.beta2() * vd[v.offset() + i] + s.oneMinusBeta2() * gi * gi;
            md[m.offset() + i] = mi;
            vd[v.offset() + i] = vi;
            float denominator = (float) Math.sqrt(vi) / s.bias2Sqrt() + s.eps();
            t[theta.offset() + i] = ti * s.shrink() - s.stepSize() * (mi / denominator);
        }
        theta.markModified();
        m.markModified();
        v.markModified();
    }
}
