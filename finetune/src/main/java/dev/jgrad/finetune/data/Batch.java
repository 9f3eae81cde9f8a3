package dev.jgrad.finetune.data;

/**
 * One padded batch, as plain arrays ready to become tensors.
 *
 * <p>All rows have the length of the longest sequence in this batch (dynamic padding), not a global maximum:
 * that is what makes short-text fine-tuning cheap.
 *
 * @param indices which input sequences (positions in the list given to the {@link Batcher}) are in the rows
 * @param inputIds token ids, {@code [batch][length]}, padded on the right with the pad id
 * @param attentionMask 1 for real tokens and 0 for padding, same shape as {@code inputIds}
 */
public record Batch(int[] indices, int[][] inputIds, int[][] attentionMask) {
    /** Number of rows. */
    public int size() {
        return indices.length;
    }

    /** Padded length of every row. */
    public int length() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** The attention mask widened to {@code long}, the type most attention kernels index with. */
    public long[][] attentionMaskAsLong() {
        long[][] out = new long[attentionMask.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[attentionMask[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = attentionMask[i][j];
            }
        }
        return out;
    }
}
