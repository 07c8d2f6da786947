package dev.cortado.nn;

import dev.cortado.autograd.PoolOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.backend.Pool2dParams;

/**
 * Max pooling over the {@code [H, W]} planes of {@code [N, C, H, W]} or {@code [C, H, W]} inputs, as
 * torch.nn.MaxPool2d: output {@code (oh, ow)} is the largest input among rows
 * {@code oh·stride − padding + k·dilation}, {@code k < kernel} (likewise columns); padding never wins.
 * <pre>{@code
 * MaxPool2d pool = new MaxPool2d(3, 2, 1);          // ResNet stem: [N, 64, 112, 112] → [N, 64, 56, 56]
 * }</pre>
 */
public class MaxPool2d extends Module {
    private final Pool2dParams params;

    /** A square window with stride equal to the kernel (PyTorch's default) and no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(new Pool2dParams(kernel, kernel, stride, stride, padding, padding, 1, 1, false, true));
    }

    /** Any geometry: kernel, stride, padding, dilation per dim and ceil mode ({@code countIncludePad} is unused). */
    public MaxPool2d(Pool2dParams params) {
        this.params = params;
    }

    @Override
    public Variable forward(Variable x) {
        PoolShapes.checkPlanes(this, x);
        return PoolOps.maxPool2d(x, params);
    }

    public Pool2dParams params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Repr.pair(params.kernelH(), params.kernelW())
                + ", stride=" + Repr.pair(params.strideH(), params.strideW())
                + ", padding=" + Repr.pair(params.padH(), params.padW())
                + ", dilation=" + Repr.pair(params.dilationH(), params.dilationW())
                + ", ceil_mode=" + Repr.bool(params.ceilMode());
    }
}
