package dev.jgrad.transformer;

/**
 * Everything that fixes a model's architecture; the three model families are built from one of these.
 *
 * @param vocabSize     tokens (V)
 * @param maxLen        longest sequence (positions table size)
 * @param layer         the block shape, shared by every layer
 * @param numLayers     blocks in each stack
 * @param positions     how order enters the model
 * @param tieEmbeddings output projection shares the token embedding matrix (decoder LM, encoder-decoder)
 * @param typeVocabSize segment (token type) embeddings for text pairs, 0 for none (encoder)
 * @param embeddingNorm BERT-style LayerNorm + dropout on the summed embeddings
 * @param padId         token id of padding (its embedding gets no gradient), or −1
 */
public record ModelConfig(int vocabSize, int maxLen, LayerConfig layer, int numLayers, Positions positions,
                          boolean tieEmbeddings, int typeVocabSize, boolean embeddingNorm, int padId) {

    public ModelConfig {
        if (vocabSize <= 0 || maxLen <= 0 || numLayers < 0) {
            throw new IllegalArgumentException("vocabSize, maxLen must be positive and numLayers non-negative");
        }
    }

    /** A plain configuration: learned positions, untied, no segments, no embedding norm, no padding id. */
    public static ModelConfig of(int vocabSize, int maxLen, LayerConfig layer, int numLayers) {
        return new ModelConfig(vocabSize, maxLen, layer, numLayers, Positions.LEARNED, false, 0, false, -1);
    }

    public ModelConfig withPositions(Positions p) {
        return new ModelConfig(vocabSize, maxLen, layer, numLayers, p, tieEmbeddings, typeVocabSize, embeddingNorm, padId);
    }

    public ModelConfig withTiedEmbeddings(boolean t) {
        return new ModelConfig(vocabSize, maxLen, layer, numLayers, positions, t, typeVocabSize, embeddingNorm, padId);
    }

    public ModelConfig withSegments(int types) {
        return new ModelConfig(vocabSize, maxLen, layer, numLayers, positions, tieEmbeddings, types, embeddingNorm, padId);
    }

    public ModelConfig withEmbeddingNorm(boolean n) {
        return new ModelConfig(vocabSize, maxLen, layer, numLayers, positions, tieEmbeddings, typeVocabSize, n, padId);
    }

    public ModelConfig withPadId(int id) {
        return new ModelConfig(vocabSize, maxLen, layer, numLayers, positions, tieEmbeddings, typeVocabSize, embeddingNorm, id);
    }

    /** The rotary embedding for this model's attention, or null. */
    Rotary rotary() {
        return positions == Positions.ROTARY ? new Rotary(layer.headDim(), maxLen, 10000.0) : null;
    }
}
