package dev.cortado.autograd;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.CompareOp;

/** Inverted dropout with an explicit seed. */
public final class DropoutOps {
    private DropoutOps() {
    }

    /**
     * Zeroes each element with probability {@code p} and scales the rest by 1/(1 − p), so the expectation is
     * unchanged; the same mask, scaled alike, multiplies the gradient. The mask comes from {@code seed}
     * (one uniform draw per element), so a seed reproduces it exactly. p = 0 returns x itself.
     */
    public static Variable dropout(Variable x, float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
        }
        if (p == 0) {
            return x;
        }
        Tensor keep = Elementwise.compare(CompareOp.GE, Tensor.rand(seed, x.shape()), p)
                .to(dev.cortado.tensor.DType.FLOAT32);
        Tensor scale = Elementwise.mul(keep, 1 / (1 - p));
        return Node.record("dropout", Elementwise.mul(x.data(), scale), new Tensor[] {scale},
                g -> new Tensor[] {Elementwise.mul(g, scale)}, x);
    }
}
