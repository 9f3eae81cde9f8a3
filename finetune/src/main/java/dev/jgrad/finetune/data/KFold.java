package dev.jgrad.finetune.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * K-fold cross-validation indices, plain or stratified by label.
 *
 * <p>Rows are shuffled with the seed and dealt to folds round-robin. The stratified version deals each label's
 * rows in turn, continuing where the previous label stopped, so every fold gets (within one row) the same share
 * of every label and fold sizes differ by at most one.
 */
public final class KFold {
    /**
     * One fold: the rows to train on and the held-out rows.
     *
     * @param train indices of training rows, ascending
     * @param validation indices of held-out rows, ascending
     */
    public record Fold(int[] train, int[] validation) {}

    private KFold() {}

    /** {@code k} folds over {@code n} rows. */
    public static List<Fold> folds(int n, int k, long seed) {
        check(n, k);
        int[] order = Shuffle.permutation(n, Shuffle.random(seed, 0));
        int[] foldOf = new int[n];
        for (int i = 0; i < n; i++) {
            foldOf[order[i]] = i % k;
        }
        return build(foldOf, k);
    }

    /** {@code k} folds with each label spread evenly over the folds. */
    public static List<Fold> stratified(String[] labels, int k, long seed) {
        check(labels.length, k);
        SplittableRandom random = Shuffle.random(seed, 0);
        int[] foldOf = new int[labels.length];
        int next = 0;
        for (int[] group : Splits.groupByLabel(labels).values()) {
            Shuffle.shuffle(group, random);
            for (int row : group) {
                foldOf[row] = next;
                next = (next + 1) % k;
            }
        }
        return build(foldOf, k);
    }

    private static List<Fold> build(int[] foldOf, int k) {
        List<Fold> folds = new ArrayList<>(k);
        for (int f = 0; f < k; f++) {
            int held = 0;
            for (int fold : foldOf) {
                if (fold == f) {
                    held++;
                }
            }
            int[] train = new int[foldOf.length - held];
            int[] validation = new int[held];
            int t = 0;
            int v = 0;
            for (int i = 0; i < foldOf.length; i++) {
                if (foldOf[i] == f) {
                    validation[v++] = i;
                } else {
                    train[t++] = i;
                }
            }
            folds.add(new Fold(train, validation));
        }
        return folds;
    }

    private static void check(int n, int k) {
        if (k < 2 || k > n) {
            throw new IllegalArgumentException("k must be between 2 and the number of rows (" + n + "), got " + k);
        }
    }
}
