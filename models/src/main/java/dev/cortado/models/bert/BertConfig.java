package dev.cortado.models.bert;

/**
 * The shape of a BERT-style encoder (Devlin et al. 2019) as Hugging Face's {@code BertConfig} names it.
 * {@link #miniLmL6()} is sentence-transformers' all-MiniLM-L6-v2, {@link #bgeSmall()} BAAI's bge-small-en-v1.5.
 */
public record BertConfig(int vocabSize, int hiddenSize, int layers, int heads, int intermediateSize,
                         int maxPositions, int typeVocabSize, float layerNormEps, float dropout) {
    public BertConfig {
        if (vocabSize < 1 || hiddenSize < 1 || layers < 1 || heads < 1 || hiddenSize % heads != 0
                || intermediateSize < 1 || maxPositions < 1 || typeVocabSize < 1) {
            throw new IllegalArgumentException("BertConfig: sizes must be positive and hidden size (" + hiddenSize
                    + ") a multiple of the heads (" + heads + ")");
        }
    }

    /** all-MiniLM-L6-v2: vocabulary 30522, width 384, 6 layers, 12 heads, MLP 1536, 512 positions. */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, 0.1f);
    }

    /** bge-small-en-v1.5: as all-MiniLM-L6-v2 but 12 layers (vocabulary 30522, width 384, 12 heads, MLP 1536). */
    public static BertConfig bgeSmall() {
        return new BertConfig(30522, 384, 12, 12, 1536, 512, 2, 1e-12f, 0.1f);
    }
}
