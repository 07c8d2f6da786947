package dev.cortado.nn;

import dev.cortado.autograd.NoGrad;
import dev.cortado.autograd.NormOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

/**
 * Batch normalisation over the channels of {@code [N, C, H, W]} inputs, as torch.nn.BatchNorm2d:
 * y = (x − μ) / √(σ² + eps) · weight + bias per channel.
 * <ul>
 *   <li>training: μ, σ² are the batch's mean and biased variance over N, H, W, and the running statistics
 *       move toward the batch's: {@code running = (1 − momentum)·running + momentum·batch}, with the
 *       unbiased variance σ²·n/(n − 1) for {@code running_var}; {@code num_batches_tracked} counts
 *       the updates;</li>
 *   <li>evaluation: μ, σ² are {@code running_mean} and {@code running_var}.</li>
 * </ul>
 * Without {@code trackRunningStats} there are no buffers and the batch statistics are used in both modes.
 * State-dict keys as PyTorch's: {@code weight}, {@code bias} (ones, zeros), {@code running_mean},
 * {@code running_var} (zeros, ones), {@code num_batches_tracked} (an INT64 scalar).
 * <pre>{@code
 * BatchNorm2d bn = new BatchNorm2d(64);    // eps 1e-5, momentum 0.1, affine, tracking running statistics
 * }</pre>
 */
public class BatchNorm2d extends Module {
    private final int numFeatures;
    private final float eps;
    private final float momentum;
    private final Variable weight;
    private final Variable bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    /** eps = 1e-5, momentum = 0.1, affine, tracking running statistics (PyTorch's defaults). */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true, true);
    }

    public BatchNorm2d(int numFeatures, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures < 1 || !(eps >= 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: need num_features >= 1, eps >= 0 and momentum in [0, 1],"
                    + " got " + numFeatures + ", " + eps + ", " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        this.runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.zeros(numFeatures)) : null;
        this.runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.ones(numFeatures)) : null;
        this.numBatchesTracked = trackRunningStats
                ? registerBuffer("num_batches_tracked", Tensor.empty(DType.INT64)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        checkInput("input", x, -1, numFeatures, -1, -1);
        boolean tracking = runningMean != null;
        if (tracking && !isTraining()) {
            return NormOps.batchNormInference(x, runningMean, runningVar, weight, bias, eps);
        }
        if (x.data().numel() / numFeatures < 2) {
            throw new IllegalArgumentException(path() + " (BatchNorm2d): training needs more than one value per"
                    + " channel, got input " + java.util.Arrays.toString(x.shape()));
        }
        NormOps.BatchNormResult result = NormOps.batchNormTraining(x, weight, bias, eps);
        if (tracking) {
            updateRunningStats(result, x.data().numel() / numFeatures);
        }
        return result.output();
    }

    /** running ← (1 − m)·running + m·batch, with the unbiased batch variance (n values per channel). */
    private void updateRunningStats(NormOps.BatchNormResult batch, int n) {
        try (var scope = NoGrad.enter()) {
            Tensor unbiasedVar = Elementwise.mul(batch.var(), (float) n / (n - 1));
            runningMean.copyFrom(Elementwise.add(Elementwise.mul(runningMean, 1 - momentum),
                    Elementwise.mul(batch.mean(), momentum)));
            runningVar.copyFrom(Elementwise.add(Elementwise.mul(runningVar, 1 - momentum),
                    Elementwise.mul(unbiasedVar, momentum)));
            numBatchesTracked.longData()[numBatchesTracked.offset()]++;
            numBatchesTracked.markModified();
        }
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    /** The running mean buffer ({@code [C]}), or null without running statistics. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance buffer ({@code [C]}), or null without running statistics. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** How many training batches updated the running statistics (0 without them). */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? 0 : numBatchesTracked.longData()[numBatchesTracked.offset()];
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.number(eps) + ", momentum=" + Repr.number(momentum)
                + ", affine=" + Repr.bool(weight != null) + ", track_running_stats=" + Repr.bool(runningMean != null);
    }
}
