package dev.jgrad.finetune.data;

/**
 * How a {@link Batcher} groups, truncates and pads sequences.
 *
 * @param batchSize sequences per batch (the last batch of an epoch may be smaller)
 * @param maxLength longest sequence allowed; longer ones are truncated
 * @param truncation which end of the content to keep when truncating
 * @param specialPrefix leading ids never truncated (1 for BERT's {@code [CLS]}, 0 for GPT-2)
 * @param specialSuffix trailing ids never truncated (1 for BERT's {@code [SEP]})
 * @param padId id written into padding positions (its attention mask is 0, so the value only has to be valid)
 * @param shuffle whether each epoch visits sequences in a new (seeded) order
 * @param bucketWindow if above 0, length bucketing: sequences are sorted by length within windows of
 *     {@code bucketWindow} batches, so batches hold similar lengths and waste little padding
 * @param seed seed of the per-epoch shuffles
 */
public record BatchConfig(int batchSize, int maxLength, Truncation truncation, int specialPrefix,
                          int specialSuffix, int padId, boolean shuffle, int bucketWindow, long seed) {
    public BatchConfig {
        if (batchSize < 1 || maxLength < 1 || bucketWindow < 0 || specialPrefix < 0 || specialSuffix < 0) {
            throw new IllegalArgumentException("invalid batch config: " + batchSize + ", " + maxLength);
        }
    }

    /** Shuffled batches without bucketing, keeping the head, no protected special tokens, pad id 0. */
    public static BatchConfig of(int batchSize, int maxLength, long seed) {
        return new BatchConfig(batchSize, maxLength, Truncation.KEEP_HEAD, 0, 0, 0, true, 0, seed);
    }
}
