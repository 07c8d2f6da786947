package dev.cortado.nn;

import dev.cortado.autograd.DropoutOps;
import dev.cortado.autograd.Variable;

/**
 * Inverted dropout, as torch.nn.Dropout: in training, each element is zeroed with probability p and the
 * rest scaled by 1/(1 − p); in evaluation it is the identity. Masks come from a seeded stream: call n of a
 * Dropout built with seed s always draws the same mask.
 */
public class Dropout extends Module {
    private final float p;
    private final long seed;
    private long calls;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        return DropoutOps.dropout(x, p, Init.derive(seed, calls++));
    }

    /** How many masks this module has drawn: the position of its random stream, saved with a checkpoint. */
    public long drawCount() {
        return calls;
    }

    /** Moves the random stream to {@code drawCount} masks drawn, so a resumed run draws the masks it would have. */
    public void setDrawCount(long drawCount) {
        if (drawCount < 0) {
            throw new IllegalArgumentException(path() + " (Dropout): draw count must be >= 0, got " + drawCount);
        }
        this.calls = drawCount;
    }

    public float p() {
        return p;
    }

    /** As PyTorch prints it; Cortado never drops in place, hence the constant {@code inplace=False}. */
    @Override
    protected String extraRepr() {
        return "p=" + Repr.number(p) + ", inplace=False";
    }
}
