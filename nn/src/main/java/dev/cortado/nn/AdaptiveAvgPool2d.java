package dev.cortado.nn;

import dev.cortado.autograd.PoolOps;
import dev.cortado.autograd.Variable;

/**
 * Adaptive average pooling to a fixed {@code outH × outW}, as torch.nn.AdaptiveAvgPool2d: output row i
 * averages input rows {@code [floor(i·H/outH), ceil((i+1)·H/outH))}, likewise columns. {@code (1, 1)} is
 * global average pooling.
 */
public class AdaptiveAvgPool2d extends Module {
    private final int outH;
    private final int outW;

    /** A square output {@code size × size}. */
    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be at least 1×1, got "
                    + outH + "×" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Variable forward(Variable x) {
        PoolShapes.checkPlanes(this, x);
        return PoolOps.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + Repr.pair(outH, outW);
    }
}
