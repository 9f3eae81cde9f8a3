package dev.jgrad.finetune.data;

/**
 * Row indices of a train/validation/test split. Any part may be empty (e.g. ratios {@code 0.9,0.1}).
 *
 * @param train indices of training rows
 * @param validation indices of validation rows
 * @param test indices of test rows
 */
public record Split(int[] train, int[] validation, int[] test) {
    /** The three parts in order, for code that treats them uniformly. */
    public int[][] parts() {
        return new int[][] {train, validation, test};
    }
}
