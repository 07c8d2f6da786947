package dev.cortado.autograd;

import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.LayerNorm;
import dev.cortado.tensor.Reductions;
import dev.cortado.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/** Differentiable normalisation layers' maths. */
public final class NormOps {
    private NormOps() {
    }

    /**
     * Layer norm over the trailing {@code normalizedShape} dims: y = x̂·w + b, x̂ = (x − μ)·r, r = 1/√(σ² + eps).
     * With ĝ = g·w and means taken over the normalised dims (Ba et al., 2016, differentiated):
     * dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dw = Σ g·x̂ and db = Σ g over the leading dims.
     * {@code weight} and {@code bias} may be null.
     */
    public static Variable layerNorm(Variable x, int[] normalizedShape, Variable weight, Variable bias, float eps) {
        Tensor in = x.data();
        Tensor w = weight == null ? null : weight.data();
        LayerNorm.Result result = LayerNorm.layerNormWithStats(in, normalizedShape, w,
                bias == null ? null : bias.data(), eps);
        Tensor mean = result.mean(), rstd = result.rstd();
        Backward backward = g -> {
            LayerNorm.Gradients grads = LayerNorm.layerNormBackward(in, normalizedShape, w, mean, rstd, g,
                    weight != null && weight.requiresGrad(), bias != null && bias.requiresGrad());
            return new Tensor[] {x.requiresGrad() ? grads.input() : null, grads.weight(), grads.bias()};
        };
        // An absent weight or bias is passed as an empty constant so that gradients line up with inputs.
        Variable noWeight = Variable.constant(Tensor.zeros(0));
        Tensor[] saved = w == null ? new Tensor[] {in} : new Tensor[] {in, w};
        return Node.record("layer_norm", result.output(), saved, backward, x,
                weight == null ? noWeight : weight, bias == null ? noWeight : bias);
    }

    /** A training-mode batch norm's output and the batch statistics it normalised with ({@code [C]}, variance biased). */
    public record BatchNormResult(Variable output, Tensor mean, Tensor var) {
    }

    /**
     * Batch norm with the batch's own statistics (training mode) over x {@code [N, C, *]}: per channel c,
     * μ and σ² (biased) over N and the trailing dims, y = x̂·w + b with x̂ = (x − μ)·r, r = 1/√(σ² + eps).
     * μ and σ² depend on x, so as for layer norm (with means over the reduced dims, ĝ = g·w):
     * dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dw = Σ g·x̂, db = Σ g. {@code weight} and {@code bias}
     * ({@code [C]}) may be null. Updating running statistics is the caller's business (nn.BatchNorm2d).
     */
    public static BatchNormResult batchNormTraining(Variable x, Variable weight, Variable bias, float eps) {
        Tensor in = x.data();
        int[] dims = batchNormDims("batch_norm", in, weight, bias);
        if (in.numel() / Math.max(1, in.size(1)) < 2) {
            throw new IllegalArgumentException("batch_norm: training needs more than one value per channel, got input "
                    + Arrays.toString(in.shape()));
        }
        Tensor mean = Reductions.mean(in, dims, true);
        Tensor var = Reductions.var(in, dims, 0, true);
        Tensor rstd = Elementwise.rsqrt(Elementwise.add(var, eps));
        Tensor xHat = Elementwise.mul(Elementwise.sub(in, mean), rstd);
        Variable output = affine("batch_norm", xHat, dims, x, weight, bias, gHat -> {
            Tensor meanG = Reductions.mean(gHat, dims, true);
            Tensor meanGx = Reductions.mean(Elementwise.mul(gHat, xHat), dims, true);
            return Elementwise.mul(rstd, Elementwise.sub(Elementwise.sub(gHat, meanG), Elementwise.mul(xHat, meanGx)));
        });
        return new BatchNormResult(output, mean.reshape(-1), var.reshape(-1));
    }

    /**
     * Batch norm with given statistics (evaluation mode): y = (x − mean)·r·w + b, r = 1/√(var + eps), with
     * {@code runningMean} and {@code runningVar} ({@code [C]}) constants, so dx = g·w·r; dw = Σ g·x̂, db = Σ g.
     */
    public static Variable batchNormInference(Variable x, Tensor runningMean, Tensor runningVar, Variable weight,
                                              Variable bias, float eps) {
        Tensor in = x.data();
        int[] dims = batchNormDims("batch_norm", in, weight, bias);
        int channels = in.size(1);
        if (runningMean.numel() != channels || runningVar.numel() != channels) {
            throw new IllegalArgumentException("batch_norm: running mean " + Arrays.toString(runningMean.shape())
                    + " and variance " + Arrays.toString(runningVar.shape()) + " must have " + channels
                    + " elements for input " + Arrays.toString(in.shape()));
        }
        int[] channelShape = channelShape(in);
        Tensor rstd = Elementwise.rsqrt(Elementwise.add(runningVar.reshape(channelShape), eps));
        Tensor xHat = Elementwise.mul(Elementwise.sub(in, runningMean.reshape(channelShape)), rstd);
        return affine("batch_norm", xHat, dims, x, weight, bias, gHat -> Elementwise.mul(gHat, rstd));
    }

    /**
     * Records y = x̂·w + b (w, b per channel, either may be null) as one op whose input gradient is
     * {@code inputGrad(ĝ = g·w)}; dw = Σ g·x̂ and db = Σ g over {@code dims}.
     */
    private static Variable affine(String op, Tensor xHat, int[] dims, Variable x, Variable weight, Variable bias,
                                   UnaryOperator<Tensor> inputGrad) {
        int[] channelShape = channelShape(xHat);
        Tensor w = weight == null ? null : weight.data().reshape(channelShape);
        Tensor out = w == null ? xHat : Elementwise.mul(xHat, w);
        if (bias != null) {
            out = Elementwise.add(out, bias.data().reshape(channelShape));
        }
        List<Variable> inputs = new ArrayList<>(List.of(x));
        if (weight != null) {
            inputs.add(weight);
        }
        if (bias != null) {
            inputs.add(bias);
        }
        Backward backward = g -> {
            Tensor[] grads = new Tensor[inputs.size()];
            grads[0] = x.requiresGrad() ? inputGrad.apply(w == null ? g : Elementwise.mul(g, w)) : null;
            int next = 1;
            if (weight != null) {
                grads[next++] = weight.requiresGrad() ? Reductions.sum(Elementwise.mul(g, xHat), dims, false) : null;
            }
            if (bias != null) {
                grads[next] = bias.requiresGrad() ? Reductions.sum(g, dims, false) : null;
            }
            return grads;
        };
        // x̂ is the output itself without weight and bias, so it is saved too.
        Tensor[] saved = w == null ? new Tensor[] {x.data(), xHat} : new Tensor[] {x.data(), weight.data(), xHat};
        return Node.record(op, out, saved, backward, inputs.toArray(Variable[]::new));
    }

    /** The dims batch norm reduces over (all but the channel dim 1), after checking shapes. */
    private static int[] batchNormDims(String op, Tensor in, Variable weight, Variable bias) {
        if (in.dim() < 2) {
            throw new IllegalArgumentException(op + ": expected an input [N, C, *], got " + Arrays.toString(in.shape()));
        }
        int channels = in.size(1);
        for (Variable v : new Variable[] {weight, bias}) {
            if (v != null && (v.dim() != 1 || v.size(0) != channels)) {
                throw new IllegalArgumentException(op + ": weight and bias must be [" + channels + "] for input "
                        + Arrays.toString(in.shape()) + ", got " + Arrays.toString(v.shape()));
            }
        }
        return IntStream.range(0, in.dim()).filter(d -> d != 1).toArray();
    }

    /** [1, C, 1, …] for broadcasting a per-channel value against x. */
    private static int[] channelShape(Tensor x) {
        int[] shape = new int[x.dim()];
        Arrays.fill(shape, 1);
        shape[1] = x.size(1);
        return shape;
    }
}
