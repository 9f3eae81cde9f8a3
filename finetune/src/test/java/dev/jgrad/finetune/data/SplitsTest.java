package dev.jgrad.finetune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private static String[] labels(int spam, int ham) {
        String[] out = new String[spam + ham];
        for (int i = 0; i < out.length; i++) {
            out[i] = i % 2 == 0 && i / 2 < spam ? "spam" : "ham";
        }
        return out;
    }

    private static void assertPartition(int n, int[]... parts) {
        int[] all = Arrays.stream(parts).flatMapToInt(IntStream::of).sorted().toArray();
        assertArrayEquals(IntStream.range(0, n).toArray(), all);
    }

    @Test
    void randomSplitIsADeterministicPartitionWithRoundedSizes() {
        Split a = Splits.random(101, new double[] {0.8, 0.1, 0.1}, 7);
        Split b = Splits.random(101, new double[] {0.8, 0.1, 0.1}, 7);
        Split c = Splits.random(101, new double[] {0.8, 0.1, 0.1}, 8);
        assertEquals(81, a.train().length);
        assertEquals(10, a.validation().length);
        assertEquals(10, a.test().length);
        assertPartition(101, a.parts());
        assertArrayEquals(a.train(), b.train());
        assertFalse(Arrays.equals(a.train(), c.train()));
        assertEquals(0, Splits.random(10, new double[] {0.7, 0.3}, 1).test().length);
    }

    @Test
    void stratifiedSplitKeepsLabelProportions() {
        String[] labels = labels(30, 70);
        Split s = Splits.stratified(labels, new double[] {0.8, 0.1, 0.1}, 3);
        assertPartition(100, s.parts());
        int[] expectedSpam = {24, 3, 3};
        int[][] parts = s.parts();
        for (int p = 0; p < 3; p++) {
            long spam = IntStream.of(parts[p]).filter(i -> labels[i].equals("spam")).count();
            assertEquals(expectedSpam[p], spam);
        }
    }

    @Test
    void badRatiosAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Splits.random(10, new double[] {0.8, 0.3}, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.random(10, new double[] {1.0}, 1));
    }

    @Test
    void kFoldCoversEveryRowOnceAsValidation() {
        List<KFold.Fold> folds = KFold.folds(23, 5, 1);
        assertEquals(5, folds.size());
        int[] held = folds.stream().flatMapToInt(f -> IntStream.of(f.validation())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 23).toArray(), held);
        for (KFold.Fold f : folds) {
            assertTrue(f.validation().length == 4 || f.validation().length == 5);
            assertPartition(23, f.train(), f.validation());
        }
    }

    @Test
    void stratifiedKFoldBalancesLabels() {
        String[] labels = labels(20, 80);
        for (KFold.Fold f : KFold.stratified(labels, 5, 9)) {
            assertEquals(20, f.validation().length);
            assertEquals(4, IntStream.of(f.validation()).filter(i -> labels[i].equals("spam")).count());
        }
        assertThrows(IllegalArgumentException.class, () -> KFold.folds(3, 4, 0));
    }
}
