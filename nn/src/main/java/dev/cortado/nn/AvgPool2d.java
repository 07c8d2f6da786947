package dev.cortado.nn;

import dev.cortado.autograd.PoolOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.backend.Pool2dParams;

/**
 * Average pooling over the {@code [H, W]} planes of {@code [N, C, H, W]} or {@code [C, H, W]} inputs, as
 * torch.nn.AvgPool2d: each output is the window's sum divided by its area, counting padded positions
 * when {@code countIncludePad} (PyTorch's default) and only input positions otherwise.
 */
public class AvgPool2d extends Module {
    private final Pool2dParams params;

    /** A square window with stride equal to the kernel (PyTorch's default) and no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public AvgPool2d(int kernel, int stride, int padding) {
        this(Pool2dParams.of(kernel, stride, padding));
    }

    /** Any geometry with ceil mode and countIncludePad; dilation must be 1. */
    public AvgPool2d(Pool2dParams params) {
        if (params.dilationH() != 1 || params.dilationW() != 1) {
            throw new IllegalArgumentException("AvgPool2d: average pooling has no dilation, got (" + params.dilationH()
                    + ", " + params.dilationW() + ")");
        }
        this.params = params;
    }

    @Override
    public Variable forward(Variable x) {
        PoolShapes.checkPlanes(this, x);
        return PoolOps.avgPool2d(x, params);
    }

    public Pool2dParams params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        String s = "kernel_size=" + Repr.pair(params.kernelH(), params.kernelW())
                + ", stride=" + Repr.pair(params.strideH(), params.strideW())
                + ", padding=" + Repr.pair(params.padH(), params.padW());
        if (params.ceilMode()) {
            s += ", ceil_mode=True";
        }
        if (!params.countIncludePad()) {
            s += ", count_include_pad=False";
        }
        return s;
    }
}
