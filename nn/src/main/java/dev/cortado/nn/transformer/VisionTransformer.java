package dev.cortado.nn.transformer;

import dev.cortado.autograd.JoinOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Conv2d;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Module;
import dev.cortado.tensor.Tensor;

import java.util.List;

/**
 * A Vision Transformer classifier (Dosovitskiy et al. 2020): images {@code [B, channels, S, S]} → logits
 * {@code [B, numClasses]}.
 * <ol>
 * <li>patch embedding: Conv2d with kernel = stride = patch → {@code [B, width, S/p, S/p]} → tokens
 * {@code [B, N, width]}, N = (S/p)²;</li>
 * <li>a learned class token prepended → {@code [B, N + 1, width]}, plus the learned positional embedding,
 * then dropout;</li>
 * <li>a pre-norm {@link TransformerEncoder} of {@code depth} layers (GELU, MLP width {@code mlpDim});</li>
 * <li>the final LayerNorm, and the linear head on the class token.</li>
 * </ol>
 * Keys: {@code class_token [1, 1, width]}, {@code pos_embedding [1, N + 1, width]}, {@code patch_embed.*},
 * {@code encoder.layers.N.*}, {@code norm.*}, {@code head.*}. The class token starts at 0 and the positional
 * embedding at N(0, 0.02²), as in torchvision. {@link #replaceHead} puts a new task head on the pretrained
 * backbone.
 * <pre>{@code
 * var vit = new VisionTransformer(new VisionTransformer.Config(28, 1, 4, 128, 4, 4, 256, 10, 0.1f, 42));
 * Variable logits = vit.forward(images);   // [B, 10]
 * vit.replaceHead(new Linear(128, 5, seed));   // transfer: a fresh 5-class head, same "head.*" keys
 * }</pre>
 */
public class VisionTransformer extends Module {
    /** The architecture: square images of {@code imageSize} pixels, cut into {@code patchSize} patches. */
    public record Config(int imageSize, int channels, int patchSize, int width, int depth, int heads, int mlpDim,
                         int numClasses, float dropout, long seed) {
        public Config {
            if (imageSize < 1 || patchSize < 1 || imageSize % patchSize != 0 || channels < 1 || depth < 1
                    || numClasses < 1) {
                throw new IllegalArgumentException("VisionTransformer.Config: image size (" + imageSize
                        + ") must be a positive multiple of the patch size (" + patchSize
                        + "); channels, depth and classes positive");
            }
        }

        /** Number of patches N = (imageSize / patchSize)². */
        public int patches() {
            int side = imageSize / patchSize;
            return side * side;
        }

        public LayerConfig layerConfig() {
            return LayerConfig.of(width, heads, mlpDim).withDropout(dropout)
                    .withActivation(LayerConfig.Activation.GELU).withNormFirst(true);
        }
    }

    private Config config;
    private final Variable classToken;
    private final Variable posEmbedding;
    private final Conv2d patchEmbed;
    private final Dropout dropout;
    private final TransformerEncoder encoder;
    private final LayerNorm norm;
    private Linear head;

    public VisionTransformer(Config config) {
        this.config = config;
        long seed = config.seed();
        int w = config.width();
        classToken = registerParameter("class_token", Tensor.zeros(1, 1, w));
        posEmbedding = registerParameter("pos_embedding", Init.normal(Init.derive(seed, 0), 0.02f, 1, config.patches() + 1, w));
        patchEmbed = registerModule("patch_embed", new Conv2d.Builder(config.channels(), w, config.patchSize())
                .stride(config.patchSize()).build(Init.derive(seed, 1)));
        dropout = registerModule("dropout", new Dropout(config.dropout(), Init.derive(seed, 2)));
        encoder = registerModule("encoder", new TransformerEncoder(config.layerConfig(), config.depth(), false,
                Init.derive(seed, 3)));
        norm = registerModule("norm", new LayerNorm(w));
        head = registerModule("head", new Linear(w, config.numClasses(), Init.derive(seed, 4)));
    }

    /** Logits {@code [B, numClasses]}. */
    @Override
    public Variable forward(Variable images) {
        return head.forward(features(images));
    }

    /** The normalised class token {@code [B, width]}: the image embedding before the head. */
    public Variable features(Variable images) {
        int s = config.imageSize();
        checkInput("images", images, -1, config.channels(), s, s);
        int batch = images.size(0), w = config.width();
        Variable patches = patchEmbed.forward(images);                       // [B, w, S/p, S/p]
        Variable tokens = ShapeOps.transpose(ShapeOps.flatten(patches, 2, 3), 1, 2);   // [B, N, w]
        Variable cls = ShapeOps.expand(classToken, batch, 1, w);
        Variable h = MathOps.add(JoinOps.cat(1, List.of(cls, tokens)), posEmbedding);
        h = norm.forward(encoder.forward(dropout.forward(h)));
        return ShapeOps.select(h, 1, 0);
    }

    /**
     * Replaces the classification head (transfer learning: a new task on the pretrained backbone). The new
     * head must take {@code width} features; its output size becomes the config's {@code numClasses}. The
     * state-dict keys stay {@code head.weight}/{@code head.bias}. Returns the old head.
     */
    public Linear replaceHead(Linear newHead) {
        if (newHead.inFeatures() != config.width()) {
            throw new IllegalArgumentException(path() + " (VisionTransformer): the new head takes "
                    + newHead.inFeatures() + " features but the backbone gives width " + config.width());
        }
        Linear old = head;
        head = replaceModule("head", newHead);
        config = new Config(config.imageSize(), config.channels(), config.patchSize(), config.width(),
                config.depth(), config.heads(), config.mlpDim(), newHead.outFeatures(), config.dropout(),
                config.seed());
        return old;
    }

    /** The classification head {@code [width → numClasses]}. */
    public Linear head() {
        return head;
    }

    public Config config() {
        return config;
    }
}
