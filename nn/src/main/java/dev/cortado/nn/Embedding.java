package dev.cortado.nn;

import dev.cortado.autograd.IndexOps;
import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;

import java.util.Arrays;

/**
 * A lookup table, as torch.nn.Embedding: ids (INT64, any shape) → rows of {@code weight [numEmbeddings,
 * embeddingDim]}, giving {@code [...ids, embeddingDim]}. The weight is initialised N(0, 1) as in PyTorch;
 * its gradient is the scatter-add of the output gradients at the looked-up rows.
 * <pre>{@code
 * Embedding tokens = new Embedding(30522, 384, seed);
 * Variable x = tokens.forward(ids);          // ids [B, T] → [B, T, 384]
 * }</pre>
 */
public class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final Variable weight;

    public Embedding(int numEmbeddings, int embeddingDim, long seed) {
        if (numEmbeddings < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("Embedding: need num_embeddings and embedding_dim >= 1, got "
                    + numEmbeddings + ", " + embeddingDim);
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", Init.normal(Init.derive(seed, 0), 1f, numEmbeddings, embeddingDim));
    }

    /** The rows of the weight for {@code ids}; every id must be in {@code [0, numEmbeddings)}. */
    public Variable forward(Tensor ids) {
        if (ids.dtype() != DType.INT64) {
            throw new IllegalArgumentException(path() + " (Embedding): ids must be INT64, got " + ids.dtype()
                    + " of shape " + Arrays.toString(ids.shape()));
        }
        for (long id : ids.toLongArray()) {
            if (id < 0 || id >= numEmbeddings) {
                throw new IllegalArgumentException(path() + " (Embedding): id " + id + " is outside [0, "
                        + numEmbeddings + ") in ids of shape " + Arrays.toString(ids.shape()));
            }
        }
        return IndexOps.embedding(weight, ids);
    }

    /** The ids held in a constant variable (its data must be INT64). */
    @Override
    public Variable forward(Variable ids) {
        return forward(ids.data());
    }

    public Variable weight() {
        return weight;
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim;
    }
}
