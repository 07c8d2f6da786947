package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import java.util.Arrays;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dims (Ba et al., 2016):
 * {@code y = (x − E[x]) / √(Var[x] + eps) · weight + bias}, with the biased variance, as
 * torch.nn.functional.layer_norm.
 */
public final class LayerNorm {
    private LayerNorm() {
    }

    /** The normalised output plus the per-row mean and 1/√(var + eps) that a backward pass needs. */
    public record Result(Tensor output, Tensor mean, Tensor rstd) {
    }

    /** Gradients of layer norm: input, and weight and bias (null where not asked for). */
    public record Gradients(Tensor input, Tensor weight, Tensor bias) {
    }

    /**
     * The gradients of {@link #layerNorm} given the forward's {@code mean} and {@code rstd} (from
     * {@link #layerNormWithStats}): with x̂ = (x − mean)·rstd and ĝ = g·weight,
     * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) over the normalised dims, dweight = Σ g·x̂ and dbias = Σ g over
     * the leading dims. {@code weight} may be null (no affine scale).
     */
    public static Gradients layerNormBackward(Tensor x, int[] normalizedShape, Tensor weight, Tensor mean, Tensor rstd,
                                              Tensor gradOut, boolean needWeight, boolean needBias) {
        String op = "layer_norm backward";
        x.requireDType(op, DType.FLOAT32);
        gradOut.requireDType(op, DType.FLOAT32);
        if (!Arrays.equals(x.shape(), gradOut.shape())) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(x.shape()) + " and gradient "
                    + Shapes.str(gradOut.shape()) + " differ in shape");
        }
        checkNormalizedShape(op, x.shape(), normalizedShape);
        checkAffine(op, "weight", weight, normalizedShape);
        mean.requireDType(op + " (mean)", DType.FLOAT32);
        rstd.requireDType(op + " (rstd)", DType.FLOAT32);
        int n = Shapes.numel(normalizedShape);
        int rows = n == 0 ? 0 : x.numel() / n;
        if (mean.numel() != rows || rstd.numel() != rows) {
            throw new IllegalArgumentException(op + ": mean " + Shapes.str(mean.shape()) + " and rstd "
                    + Shapes.str(rstd.shape()) + " need one value per row (" + rows + ")");
        }
        Tensor gradIn = Tensor.zeros(rows, n);
        Tensor gradWeight = needWeight ? Tensor.zeros(n) : null;
        Tensor gradBias = needBias ? Tensor.zeros(n) : null;
        Backends.current().layerNormBackward(x.contiguous().reshape(rows, n), weight == null ? null : weight.reshape(n),
                mean.contiguous().reshape(rows), rstd.contiguous().reshape(rows), gradOut.contiguous().reshape(rows, n),
                gradIn, gradWeight, gradBias);
        return new Gradients(gradIn.reshape(x.shape()), needWeight ? gradWeight.reshape(normalizedShape) : null,
                needBias ? gradBias.reshape(normalizedShape) : null);
    }

    /** weight and bias (shape normalizedShape) may be null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        return compute(x, normalizedShape, weight, bias, eps, false).output();
    }

    /** As {@link #layerNorm}, also returning mean and rstd with shape [leading dims…, 1…]. */
    public static Result layerNormWithStats(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        return compute(x, normalizedShape, weight, bias, eps, true);
    }

    private static Result compute(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps,
                                  boolean stats) {
        x.requireDType("layer_norm", DType.FLOAT32);
        int[] shape = x.shape();
        int lead = shape.length - normalizedShape.length;
        checkNormalizedShape("layer_norm", shape, normalizedShape);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("layer_norm: eps must be >= 0, got " + eps);
        }
        int n = Shapes.numel(normalizedShape);
        checkAffine("layer_norm", "weight", weight, normalizedShape);
        checkAffine("layer_norm", "bias", bias, normalizedShape);
        int rows = n == 0 ? 0 : x.numel() / n;
        Tensor dense = x.contiguous().reshape(rows, n);
        Tensor out = Tensor.zeros(rows, n);
        Tensor mean = stats ? Tensor.zeros(rows) : null;
        Tensor rstd = stats ? Tensor.zeros(rows) : null;
        Backends.current().layerNorm(dense, weight == null ? null : weight.reshape(n),
                bias == null ? null : bias.reshape(n), eps, out, mean, rstd);
        int[] statShape = shape.clone();
        for (int i = lead; i < shape.length; i++) {
            statShape[i] = 1;
        }
        return new Result(out.reshape(shape), stats ? mean.reshape(statShape) : null,
                stats ? rstd.reshape(statShape) : null);
    }

    private static void checkNormalizedShape(String op, int[] shape, int[] normalizedShape) {
        int lead = shape.length - normalizedShape.length;
        boolean matches = normalizedShape.length > 0 && lead >= 0;
        for (int i = 0; matches && i < normalizedShape.length; i++) {
            matches = shape[lead + i] == normalizedShape[i];
        }
        if (!matches) {
            throw new IllegalArgumentException(op + ": normalized shape " + Shapes.str(normalizedShape)
                    + " must be a non-empty suffix of the input shape " + Shapes.str(shape));
        }
    }

    private static void checkAffine(String op, String name, Tensor t, int[] normalizedShape) {
        if (t == null) {
            return;
        }
        t.requireDType(op + " (" + name + ")", DType.FLOAT32);
        if (!Arrays.equals(t.shape(), normalizedShape)) {
            throw new IllegalArgumentException(op + ": " + name + " has shape " + Shapes.str(t.shape())
                    + " but the normalized shape is " + Shapes.str(normalizedShape));
        }
    }
}
