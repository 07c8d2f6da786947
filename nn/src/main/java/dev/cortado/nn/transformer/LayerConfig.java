package dev.cortado.nn.transformer;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/**
 * The shape and options of one transformer layer, as the arguments of torch.nn.TransformerEncoderLayer:
 * model width {@code dModel}, {@code nHead} attention heads, feed-forward width {@code dimFeedforward},
 * dropout probability (attention weights, feed-forward and residual branches), activation, norm order
 * ({@code normFirst}: pre-norm x + f(LN(x)); otherwise post-norm LN(x + f(x))) and LayerNorm eps.
 * <pre>{@code
 * LayerConfig c = LayerConfig.of(128, 4, 256).withActivation(Activation.GELU).withNormFirst(true);
 * }</pre>
 */
public record LayerConfig(int dModel, int nHead, int dimFeedforward, float dropout, Activation activation,
                          boolean normFirst, float eps) {
    /** The feed-forward nonlinearity (a function, not a module: it has no state-dict keys). */
    public enum Activation {
        RELU, GELU;

        public Variable apply(Variable x) {
            return this == RELU ? MathOps.relu(x) : MathOps.gelu(x);
        }
    }

    public LayerConfig {
        if (dModel < 1 || nHead < 1 || dModel % nHead != 0 || dimFeedforward < 1) {
            throw new IllegalArgumentException("LayerConfig: d_model (" + dModel + ") must be divisible by nhead ("
                    + nHead + ") and dim_feedforward (" + dimFeedforward + ") positive");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LayerConfig: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** PyTorch's defaults: dropout 0.1, ReLU, post-norm, eps 1e-5. */
    public static LayerConfig of(int dModel, int nHead, int dimFeedforward) {
        return new LayerConfig(dModel, nHead, dimFeedforward, 0.1f, Activation.RELU, false, 1e-5f);
    }

    public LayerConfig withDropout(float p) {
        return new LayerConfig(dModel, nHead, dimFeedforward, p, activation, normFirst, eps);
    }

    public LayerConfig withActivation(Activation a) {
        return new LayerConfig(dModel, nHead, dimFeedforward, dropout, a, normFirst, eps);
    }

    public LayerConfig withNormFirst(boolean first) {
        return new LayerConfig(dModel, nHead, dimFeedforward, dropout, activation, first, eps);
    }

    public LayerConfig withEps(float e) {
        return new LayerConfig(dModel, nHead, dimFeedforward, dropout, activation, normFirst, e);
    }
}
