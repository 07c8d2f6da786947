package dev.cortado.models.clip;

import dev.cortado.autograd.Variable;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.nn.Module;
import dev.cortado.nn.transformer.VisionTransformer;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Tiny towers for the CLIP tests: a ViT on 8×8 one-channel images, and a {@link TextTransformer} reading
 * the committed cut-down CLIP BPE tokenizer ({@code fixtures/clip-mini-tokenizer.json}, 1314 ids).
 */
final class TinyClip {
    static final int VISION_WIDTH = 16;
    static final int TEXT_WIDTH = 12;
    static final int EMBED = 8;

    private TinyClip() {
    }

    static Tokenizer tokenizer() {
        try {
            return Tokenizer.load(Path.of(TinyClip.class.getResource("/fixtures/clip-mini-tokenizer.json").toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TextTransformer text(int width, long seed) {
        return new TextTransformer(new TextTransformer.Config(1314, 24, width, 1, 2, 2 * width, 0f, seed), tokenizer());
    }

    static VisionTransformer vit(long seed) {
        return new VisionTransformer(new VisionTransformer.Config(8, 1, 4, VISION_WIDTH, 1, 2, 32, 3, 0f, seed));
    }

    static ClipModel model(long seed) {
        return new ClipModel(vit(seed), text(TEXT_WIDTH, seed + 1), EMBED, seed + 2);
    }

    static Variable images(int batch, long seed) {
        return Variable.constant(Tensor.randn(seed, batch, 1, 8, 8));
    }

    /** An image tower that passes its input through: images are already features {@code [B, W]}. */
    static final class Identity extends Module {
        @Override
        public Variable forward(Variable x) {
            return x;
        }
    }
}
