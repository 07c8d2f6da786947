package dev.cortado.nn.transformer;

import dev.cortado.autograd.JoinOps;
import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.BatchNorm2d;
import dev.cortado.nn.Conv2d;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Linear;
import dev.cortado.nn.Module;
import dev.cortado.nn.ReLU;
import dev.cortado.nn.Sequential;
import dev.cortado.tensor.Tensor;

import java.util.List;
import java.util.Objects;

/**
 * A Vision Transformer classifier (Dosovitskiy et al. 2020): images {@code [B, channels, S, S]} → logits
 * {@code [B, numClasses]}.
 * <ol>
 * <li>the stem: images → {@code [B, width, S/p, S/p]} → tokens {@code [B, N, width]}, N = (S/p)². The
 * {@link Stem#PATCH patch stem} is one Conv2d with kernel = stride = patch; the {@link Stem#CONV
 * convolutional stem} reaches the same grid through 3×3 stride-2 convolutions;</li>
 * <li>a learned class token prepended → {@code [B, N + 1, width]}, plus the learned positional embedding,
 * then dropout;</li>
 * <li>a pre-norm {@link TransformerEncoder} of {@code depth} layers (GELU, MLP width {@code mlpDim});</li>
 * <li>the final LayerNorm, and the linear head on the class token.</li>
 * </ol>
 * Keys: {@code class_token [1, 1, width]}, {@code pos_embedding [1, N + 1, width]}, {@code patch_embed.*}
 * (the stem: {@code weight}, {@code bias} for the patch stem; {@code 0.*}, {@code 1.*}, … as a
 * {@link Sequential} for the convolutional one), {@code encoder.layers.N.*}, {@code norm.*}, {@code head.*}.
 * The class token starts at 0 and the positional embedding at N(0, 0.02²), as in torchvision.
 * {@link #replaceHead} puts a new task head on the pretrained backbone.
 * <pre>{@code
 * var vit = new VisionTransformer(new VisionTransformer.Config(28, 1, 4, 128, 4, 4, 256, 10, 0.1f, 42));
 * Variable logits = vit.forward(images);   // [B, 10]
 * vit.replaceHead(new Linear(128, 5, seed));   // transfer: a fresh 5-class head, same "head.*" keys
 * }</pre>
 */
public class VisionTransformer extends Module {
    /** How images become the tokens' grid. */
    public enum Stem {
        /** One Conv2d with kernel = stride = patch: each token is a linear map of its own patch (the original ViT). */
        PATCH,
        /**
         * Xiao et al. 2021, "Early Convolutions Help Transformers See Better": 3×3 convolutions of stride 2
         * and padding 1, without bias (each halves the side, rounding up: 28 → 14 → 7 → 4), each followed by
         * BatchNorm2d and ReLU, as many as reach the patch stem's grid, their channels doubling up to width / 2;
         * then a 1×1 convolution to width. Overlapping receptive fields give the tokens local features, which
         * helps most when training from scratch on little data or few epochs.
         */
        CONV
    }

    /**
     * The architecture: square images of {@code imageSize} pixels, cut into {@code patchSize} patches (or brought
     * to the same grid by the convolutional {@code stem}).
     */
    public record Config(int imageSize, int channels, int patchSize, int width, int depth, int heads, int mlpDim,
                         int numClasses, float dropout, long seed, Stem stem) {
        public Config {
            if (imageSize < 1 || patchSize < 1 || imageSize % patchSize != 0 || channels < 1 || depth < 1
                    || numClasses < 1) {
                throw new IllegalArgumentException("VisionTransformer.Config: image size (" + imageSize
                        + ") must be a positive multiple of the patch size (" + patchSize
                        + "); channels, depth and classes positive");
            }
            Objects.requireNonNull(stem, "stem");
            if (stem == Stem.CONV) {
                stemConvolutions(imageSize, patchSize);
            }
        }

        /** The patch stem. */
        public Config(int imageSize, int channels, int patchSize, int width, int depth, int heads, int mlpDim,
                      int numClasses, float dropout, long seed) {
            this(imageSize, channels, patchSize, width, depth, heads, mlpDim, numClasses, dropout, seed, Stem.PATCH);
        }

        public Config withNumClasses(int classes) {
            return new Config(imageSize, channels, patchSize, width, depth, heads, mlpDim, classes, dropout, seed,
                    stem);
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

        /** How many stride-2 convolutions halve the image side (rounding up) to the grid side imageSize / patchSize. */
        private static int stemConvolutions(int imageSize, int patchSize) {
            int grid = imageSize / patchSize;
            int side = imageSize;
            int convolutions = 0;
            while (side > grid) {
                side = (side + 1) / 2;
                convolutions++;
            }
            if (side != grid || convolutions == 0) {
                throw new IllegalArgumentException("VisionTransformer.Config: the convolutional stem halves the image"
                        + " side " + imageSize + " (rounding up) but never reaches the " + grid + "×" + grid
                        + " grid of patch size " + patchSize);
            }
            return convolutions;
        }
    }

    private Config config;
    private final Variable classToken;
    private final Variable posEmbedding;
    private final Module patchEmbed;
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
        patchEmbed = registerModule("patch_embed", config.stem() == Stem.CONV ? convolutionalStem(config)
                : new Conv2d.Builder(config.channels(), w, config.patchSize()).stride(config.patchSize())
                        .build(Init.derive(seed, 1)));
        dropout = registerModule("dropout", new Dropout(config.dropout(), Init.derive(seed, 2)));
        encoder = registerModule("encoder", new TransformerEncoder(config.layerConfig(), config.depth(), false,
                Init.derive(seed, 3)));
        norm = registerModule("norm", new LayerNorm(w));
        head = registerModule("head", new Linear(w, config.numClasses(), Init.derive(seed, 4)));
    }

    /** {@link Stem#CONV}: (Conv2d 3×3 stride 2 without bias, BatchNorm2d, ReLU) × k, then Conv2d 1×1 to width. */
    private static Sequential convolutionalStem(Config config) {
        int convolutions = Config.stemConvolutions(config.imageSize(), config.patchSize());
        Sequential stem = new Sequential();
        int in = config.channels();
        for (int i = 1; i <= convolutions; i++) {
            int out = Math.max(1, config.width() / 2 >> (convolutions - i));
            // No bias: the batch norm after it subtracts the mean and has its own shift.
            stem.add(new Conv2d.Builder(in, out, 3).stride(2).padding(1).bias(false)
                    .build(Init.derive(config.seed(), 10 + i)));
            stem.add(new BatchNorm2d(out));
            stem.add(new ReLU());
            in = out;
        }
        return stem.add(new Conv2d.Builder(in, config.width(), 1).build(Init.derive(config.seed(), 1)));
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
        config = config.withNumClasses(newHead.outFeatures());
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
