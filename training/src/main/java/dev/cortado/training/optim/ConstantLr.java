package dev.cortado.training.optim;

/** The base rate at every step: lr(t) = base. */
public record ConstantLr() implements LrSchedule {
    @Override
    public double lr(double baseLr, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("ConstantLr: step must be >= 0, got " + step);
        }
        return baseLr;
    }
}
