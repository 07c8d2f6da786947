package dev.cortado.models.bert;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;
import dev.cortado.nn.Dropout;
import dev.cortado.nn.Embedding;
import dev.cortado.nn.Init;
import dev.cortado.nn.LayerNorm;
import dev.cortado.nn.Module;
import dev.cortado.tensor.Tensor;

/**
 * BERT's input embeddings: LayerNorm(word[ids] + position[0..L) + tokenType[typeIds]), then dropout.
 * Keys as Hugging Face: {@code word_embeddings}, {@code position_embeddings}, {@code token_type_embeddings},
 * {@code LayerNorm}.
 */
public class BertEmbeddings extends Module {
    private final Embedding words;
    private final Embedding positions;
    private final Embedding tokenTypes;
    private final LayerNorm norm;
    private final Dropout dropout;
    private final int maxPositions;

    public BertEmbeddings(BertConfig config, long seed) {
        words = registerModule("word_embeddings", new Embedding(config.vocabSize(), config.hiddenSize(), Init.derive(seed, 0)));
        positions = registerModule("position_embeddings",
                new Embedding(config.maxPositions(), config.hiddenSize(), Init.derive(seed, 1)));
        tokenTypes = registerModule("token_type_embeddings",
                new Embedding(config.typeVocabSize(), config.hiddenSize(), Init.derive(seed, 2)));
        norm = registerModule("LayerNorm", new LayerNorm(new int[] {config.hiddenSize()}, config.layerNormEps(), true));
        dropout = registerModule("dropout", new Dropout(config.dropout(), Init.derive(seed, 3)));
        maxPositions = config.maxPositions();
    }

    /** ids and typeIds: INT64 {@code [B, L]} → {@code [B, L, hidden]}. */
    public Variable forward(Tensor ids, Tensor typeIds) {
        if (ids.dim() != 2 || typeIds.dim() != 2 || ids.size(0) != typeIds.size(0) || ids.size(1) != typeIds.size(1)) {
            throw new IllegalArgumentException(path() + " (BertEmbeddings): expected ids and type ids of one shape [B, L],"
                    + " got " + java.util.Arrays.toString(ids.shape()) + " and " + java.util.Arrays.toString(typeIds.shape()));
        }
        int length = ids.size(1);
        if (length > maxPositions) {
            throw new IllegalArgumentException(path() + " (BertEmbeddings): sequence length " + length
                    + " exceeds the " + maxPositions + " learned positions");
        }
        long[] positionIds = new long[length];
        for (int i = 0; i < length; i++) {
            positionIds[i] = i;
        }
        Variable sum = MathOps.add(MathOps.add(words.forward(ids), positions.forward(Tensor.fromLongs(positionIds, length))),
                tokenTypes.forward(typeIds));
        return dropout.forward(norm.forward(sum));
    }
}
