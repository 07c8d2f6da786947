package dev.cortado.training.trainer;

import java.util.List;

/**
 * What a training run produced.
 *
 * @param bestMetric      the best value of the monitored metric, NaN when none was monitored or evaluated
 * @param bestStep        the step of that evaluation, -1 when none
 * @param steps           optimiser steps taken in total (a resumed run counts those before the checkpoint)
 * @param epochs          epochs completed
 * @param secondsPerEpoch wall time of each epoch completed in this run (a resumed epoch counts from the resume)
 * @param stoppedEarly    whether early stopping ended the run
 */
public record TrainingResult(TrainingHistory history, double bestMetric, long bestStep, long steps, int epochs,
                             List<Double> secondsPerEpoch, boolean stoppedEarly) {
}
