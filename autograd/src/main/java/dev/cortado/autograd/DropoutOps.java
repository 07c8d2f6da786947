package dev.cortado.autograd;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

/** Inverted dropout with an explicit seed. */
public final class DropoutOps {
    private DropoutOps() {
    }

    /**
     * Zeroes each element with probability {@code p} and scales the rest by 1/(1 − p), so the expectation is
     * unchanged; the same mask, scaled alike, multiplies the gradient. The mask is a function of {@code seed}
     * and each element's position (tensor-core's counter-based {@code Elementwise.dropout}), so backward
     * regenerates it instead of saving it. p = 0 returns x itself.
     */
    public static Variable dropout(Variable x, float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
        }
        if (p == 0) {
            return x;
        }
        return Node.record("dropout", Elementwise.dropout(x.data(), p, seed), new Tensor[0],
                g -> new Tensor[] {Elementwise.dropout(g, p, seed)}, x);
    }
}
