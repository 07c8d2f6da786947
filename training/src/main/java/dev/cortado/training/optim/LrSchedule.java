package dev.cortado.training.optim;

/**
 * A learning-rate schedule: the rate of a group with base rate {@code baseLr} at optimiser step {@code step}
 * (0 for the first step). A pure function of its arguments, so resuming needs only the step count.
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(double baseLr, long step);

    /** Sets every group's current rate for the coming step. */
    default void apply(Optimizer optimizer, long step) {
        for (ParamGroup group : optimizer.groups()) {
            group.setLr(lr(group.baseLr(), step));
        }
    }
}
