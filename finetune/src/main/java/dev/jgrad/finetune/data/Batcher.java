package dev.jgrad.finetune.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Turns token-id sequences into padded {@link Batch}es: truncation, dynamic padding, attention masks,
 * optional length bucketing, and a deterministic shuffle per epoch (the order of epoch {@code e} depends only
 * on the seed and {@code e}, so a resumed run sees the same batches).
 */
public final class Batcher {
    private final List<int[]> sequences;
    private final BatchConfig config;

    /** @param sequences token ids per example (already with special tokens); truncated here as configured */
    public Batcher(List<int[]> sequences, BatchConfig config) {
        this.config = config;
        this.sequences = sequences.stream()
                .map(ids -> config.truncation().apply(ids, config.maxLength(), config.specialPrefix(),
                        config.specialSuffix()))
                .toList();
    }

    /** Number of batches per epoch. */
    public int batchesPerEpoch() {
        return (sequences.size() + config.batchSize() - 1) / config.batchSize();
    }

    /** All batches of epoch {@code epoch} (0-based), in the order to train on them. */
    public List<Batch> epoch(int epoch) {
        SplittableRandom random = Shuffle.random(config.seed(), epoch);
        int[] order = config.shuffle()
                ? Shuffle.permutation(sequences.size(), random)
                : IntStream.range(0, sequences.size()).toArray();
        if (config.bucketWindow() > 0) {
            sortWithinWindows(order);
        }
        List<Batch> batches = new ArrayList<>(batchesPerEpoch());
        for (int start = 0; start < order.length; start += config.batchSize()) {
            batches.add(pad(Arrays.copyOfRange(order, start, Math.min(order.length, start + config.batchSize()))));
        }
        if (config.bucketWindow() > 0 && config.shuffle()) {
            // Sorting put similar lengths together; shuffling whole batches keeps the step order random
            // without undoing that.
            int[] batchOrder = Shuffle.permutation(batches.size(), random);
            List<Batch> shuffled = new ArrayList<>(batches.size());
            for (int b : batchOrder) {
                shuffled.add(batches.get(b));
            }
            return shuffled;
        }
        return batches;
    }

    private void sortWithinWindows(int[] order) {
        int window = config.batchSize() * config.bucketWindow();
        Comparator<Integer> byLength = Comparator.comparingInt(i -> sequences.get(i).length);
        for (int start = 0; start < order.length; start += window) {
            int end = Math.min(order.length, start + window);
            Integer[] slice = IntStream.of(Arrays.copyOfRange(order, start, end)).boxed().toArray(Integer[]::new);
            Arrays.sort(slice, byLength); // stable, so equal lengths keep their shuffled order
            for (int i = 0; i < slice.length; i++) {
                order[start + i] = slice[i];
            }
        }
    }

    /** Pads the given sequences to the longest among them. */
    Batch pad(int[] indices) {
        int length = 0;
        for (int i : indices) {
            length = Math.max(length, sequences.get(i).length);
        }
        int[][] ids = new int[indices.length][length];
        int[][] mask = new int[indices.length][length];
        for (int row = 0; row < indices.length; row++) {
            int[] seq = sequences.get(indices[row]);
            System.arraycopy(seq, 0, ids[row], 0, seq.length);
            Arrays.fill(ids[row], seq.length, length, config.padId());
            Arrays.fill(mask[row], 0, seq.length, 1);
        }
        return new Batch(indices, ids, mask);
    }
}
