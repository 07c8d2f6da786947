package dev.cortado.models.clip;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.ShapeOps;
import dev.cortado.autograd.Variable;
import dev.cortado.models.bert.BertModel;
import dev.cortado.models.tokenizers.EncodedBatch;
import dev.cortado.models.tokenizers.Tokenizer;
import dev.cortado.nn.Embedding;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Module;
import dev.cortado.nn.attention.MultiHeadAttention.Masks;
import dev.cortado.nn.transformer.LayerConfig;
import dev.cortado.nn.transformer.TransformerEncoder;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * A text transformer trained from scratch, for users without pretrained weights: for token ids
 * {@code [N, L]} from the given tokenizer,
 * <ol>
 * <li>h = token_embedding(ids) + positional_embedding[:L] {@code [N, L, width]} (learned positions, as CLIP);</li>
 * <li>a pre-norm {@link TransformerEncoder} (GELU) with bidirectional attention, padding keys masked;</li>
 * <li>ln_final, then the mean over the non-padding tokens, L2-normalised ({@link BertModel#meanPool}).</li>
 * </ol>
 * Mean pooling rather than CLIP's end-of-text token: with bidirectional attention every token sees the
 * whole caption, and the mean does not depend on which special token a tokenizer appends (WordPiece's
 * [SEP] or BPE's {@code <|endoftext|>}), so one class serves both.
 * Keys: {@code token_embedding.weight}, {@code positional_embedding [maxLength, width]},
 * {@code transformer.layers.N.*}, {@code ln_final.*}. The positional embedding starts at N(0, 0.01²) as in CLIP.
 * <pre>{@code
 * var text = new TextTransformer(new TextTransformer.Config(49408, 32, 128, 2, 4, 256, 0.1f, 7), tokenizer);
 * Variable features = text.encode(List.of("a photo of a coat."));   // [1, 128]
 * }</pre>
 */
public class TextTransformer extends Module implements TextEncoder {
    /**
     * The shape: {@code vocabSize} token ids (every id the tokenizer yields must be below it), at most
     * {@code maxLength} tokens per text (longer texts are truncated), {@code layers} encoder layers of
     * {@code width} with {@code heads} heads and MLP width {@code mlpDim}.
     */
    public record Config(int vocabSize, int maxLength, int width, int layers, int heads, int mlpDim, float dropout,
                         long seed) {
        public Config {
            if (vocabSize < 1 || maxLength < 1 || width < 1 || layers < 1 || heads < 1 || mlpDim < 1
                    || width % heads != 0) {
                throw new IllegalArgumentException("TextTransformer.Config: sizes must be positive and width ("
                        + width + ") a multiple of heads (" + heads + "), got vocab " + vocabSize + ", max length "
                        + maxLength + ", layers " + layers + ", MLP " + mlpDim);
            }
        }
    }

    private final Config config;
    private final Tokenizer tokenizer;
    private final Embedding tokenEmbedding;
    private final Variable positionalEmbedding;
    private final TransformerEncoder transformer;
    private final LayerNorm lnFinal;

    public TextTransformer(Config config, Tokenizer tokenizer) {
        this.config = config;
        this.tokenizer = TokenBatch.prepare(tokenizer, config.maxLength());
        long seed = config.seed();
        int w = config.width();
        tokenEmbedding = registerModule("token_embedding", new Embedding(config.vocabSize(), w, Init.derive(seed, 0)));
        positionalEmbedding = registerParameter("positional_embedding",
                Init.normal(Init.derive(seed, 1), 0.01f, config.maxLength(), w));
        LayerConfig layer = LayerConfig.of(w, config.heads(), config.mlpDim()).withDropout(config.dropout())
                .withActivation(LayerConfig.Activation.GELU).withNormFirst(true);
        transformer = registerModule("transformer", new TransformerEncoder(layer, config.layers(), false,
                Init.derive(seed, 2)));
        lnFinal = registerModule("ln_final", new LayerNorm(w));
    }

    /** Features {@code [N, width]}, unit L2 norm. */
    @Override
    public Variable encode(List<String> texts) {
        EncodedBatch batch = TokenBatch.encode(tokenizer, texts, path() + " (TextTransformer)");
        return forward(batch.ids(), batch.attentionMask());
    }

    /** The pooled features for token ids and attention mask (INT64 {@code [N, L]}, L ≤ maxLength). */
    public Variable forward(Tensor ids, Tensor attentionMask) {
        int length = ids.size(1);
        if (length > config.maxLength()) {
            throw new IllegalArgumentException(path() + " (TextTransformer): " + length + " tokens exceed the "
                    + config.maxLength() + " learned positions");
        }
        Variable positions = ShapeOps.narrow(positionalEmbedding, 0, 0, length);   // [L, w], broadcast over N
        Variable h = MathOps.add(tokenEmbedding.forward(ids), positions);
        Masks masks = Masks.keyPadding(TokenBatch.keyPadding(attentionMask));
        h = lnFinal.forward(transformer.forward(h, masks));
        return BertModel.meanPool(h, attentionMask);
    }

    @Override
    public int width() {
        return config.width();
    }

    public Config config() {
        return config;
    }
}
