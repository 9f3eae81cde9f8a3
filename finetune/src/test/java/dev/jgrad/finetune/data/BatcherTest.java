package dev.jgrad.finetune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static List<int[]> sequences(int n) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(IntStream.rangeClosed(1, 1 + (i * 7) % 13).toArray());
        }
        return out;
    }

    @Test
    void padsToLongestInBatchWithMask() {
        List<int[]> seqs = List.of(new int[] {101, 5, 102}, new int[] {101, 5, 6, 7, 102});
        BatchConfig config = new BatchConfig(2, 16, Truncation.KEEP_HEAD, 1, 1, 0, false, 0, 0);
        Batch b = new Batcher(seqs, config).epoch(0).get(0);
        assertArrayEquals(new int[][] {{101, 5, 102, 0, 0}, {101, 5, 6, 7, 102}}, b.inputIds());
        assertArrayEquals(new int[][] {{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}}, b.attentionMask());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0}, b.attentionMaskAsLong()[0]);
        assertEquals(5, b.length());
    }

    @Test
    void truncationKeepsSpecialTokens() {
        int[] ids = {101, 1, 2, 3, 4, 5, 102};
        assertArrayEquals(new int[] {101, 1, 2, 102}, Truncation.KEEP_HEAD.apply(ids, 4, 1, 1));
        assertArrayEquals(new int[] {101, 4, 5, 102}, Truncation.KEEP_TAIL.apply(ids, 4, 1, 1));
        assertArrayEquals(new int[] {4, 5, 102}, Truncation.KEEP_TAIL.apply(ids, 3));
        assertTrue(ids == Truncation.KEEP_HEAD.apply(ids, 7, 1, 1));
    }

    @Test
    void epochsAreDeterministicPermutations() {
        BatchConfig config = BatchConfig.of(4, 8, 42);
        Batcher a = new Batcher(sequences(18), config);
        Batcher b = new Batcher(sequences(18), config);
        assertEquals(5, a.batchesPerEpoch());
        int[] e0 = a.epoch(0).stream().flatMapToInt(x -> IntStream.of(x.indices())).toArray();
        int[] e0again = b.epoch(0).stream().flatMapToInt(x -> IntStream.of(x.indices())).toArray();
        int[] e1 = a.epoch(1).stream().flatMapToInt(x -> IntStream.of(x.indices())).toArray();
        assertArrayEquals(e0, e0again);
        assertNotEquals(Arrays.toString(e0), Arrays.toString(e1));
        assertArrayEquals(IntStream.range(0, 18).toArray(), IntStream.of(e1).sorted().toArray());
        assertTrue(a.epoch(0).stream().allMatch(x -> x.length() <= 8));
    }

    @Test
    void bucketingReducesPadding() {
        List<int[]> seqs = sequences(64);
        BatchConfig plain = new BatchConfig(8, 64, Truncation.KEEP_HEAD, 0, 0, 0, true, 0, 5);
        BatchConfig bucketed = new BatchConfig(8, 64, Truncation.KEEP_HEAD, 0, 0, 0, true, 8, 5);
        assertTrue(padding(new Batcher(seqs, bucketed).epoch(0)) < padding(new Batcher(seqs, plain).epoch(0)));
        int[] all = new Batcher(seqs, bucketed).epoch(3).stream().flatMapToInt(x -> IntStream.of(x.indices()))
                .sorted().toArray();
        assertArrayEquals(IntStream.range(0, 64).toArray(), all);
    }

    private static int padding(List<Batch> batches) {
        int pad = 0;
        for (Batch b : batches) {
            for (int[] row : b.attentionMask()) {
                pad += row.length - IntStream.of(row).sum();
            }
        }
        return pad;
    }
}
