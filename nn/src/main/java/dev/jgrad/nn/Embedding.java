package dev.jgrad.nn;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.init.Init;

/**
 * A lookup table, as {@code torch.nn.Embedding}: {@code weight} [num, dim] initialised N(0, 1). Row
 * {@code paddingIdx} (if ≥ 0; pass −1 for none) starts at zero and never receives gradient.
 */
public class Embedding extends Module {
    public final int numEmbeddings, embeddingDim, paddingIdx;
    public final Tensor weight;

    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, Generator gen) {
        if (paddingIdx >= numEmbeddings) {
            throw new IllegalArgumentException("paddingIdx " + paddingIdx + " is outside [0, " + numEmbeddings + ")");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = Math.max(paddingIdx, -1);
        this.weight = registerParameter("weight", Tensor.zeros(numEmbeddings, embeddingDim));
        Init.embeddingDefault_(weight, this.paddingIdx, gen);
    }

    /** Without a padding index. */
    public Embedding(int numEmbeddings, int embeddingDim, Generator gen) {
        this(numEmbeddings, embeddingDim, -1, gen);
    }

    /** indices: int32/int64 of any shape → [indices.shape..., dim]. */
    @Override
    public Tensor forward(Tensor indices) {
        return F.embedding(weight, indices, paddingIdx);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }
}
