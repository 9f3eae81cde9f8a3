package dev.jgrad.finetune.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Deterministic shuffled train/validation/test splits by ratio, optionally stratified by label.
 *
 * <p>Part sizes come from rounding the cumulative ratios ({@code round(n * (r0 + ... + ri))}), which always sums
 * to {@code n} and keeps every part within one row of its exact share. Stratified splits do this per label, so
 * each part keeps the label proportions of the whole (within one row per label).
 */
public final class Splits {
    private Splits() {}

    /**
     * Splits {@code n} rows by {@code ratios} (2 or 3 values: train, validation[, test]) summing to 1.
     */
    public static Split random(int n, double[] ratios, long seed) {
        double[] r = checkRatios(ratios);
        int[] order = Shuffle.permutation(n, Shuffle.random(seed, 0));
        int[][] parts = cut(order, r);
        return new Split(parts[0], parts[1], parts[2]);
    }

    /**
     * Splits rows so every part has (about) the same label proportions. Labels are processed in sorted order
     * and each part is shuffled at the end, so no part is ordered by label.
     */
    public static Split stratified(String[] labels, double[] ratios, long seed) {
        double[] r = checkRatios(ratios);
        SplittableRandom random = Shuffle.random(seed, 0);
        List<List<Integer>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int[] group : groupByLabel(labels).values()) {
            Shuffle.shuffle(group, random);
            int[][] cut = cut(group, r);
            for (int p = 0; p < 3; p++) {
                for (int i : cut[p]) {
                    parts.get(p).add(i);
                }
            }
        }
        int[][] out = new int[3][];
        for (int p = 0; p < 3; p++) {
            out[p] = parts.get(p).stream().mapToInt(Integer::intValue).toArray();
            Shuffle.shuffle(out[p], random);
        }
        return new Split(out[0], out[1], out[2]);
    }

    /** Row indices of each label, labels in sorted order (so the result does not depend on row order). */
    static TreeMap<String, int[]> groupByLabel(String[] labels) {
        TreeMap<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            groups.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        TreeMap<String, int[]> out = new TreeMap<>();
        groups.forEach((label, rows) -> out.put(label, rows.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    private static int[][] cut(int[] order, double[] ratios) {
        int[][] parts = new int[3][];
        double cumulative = 0;
        int start = 0;
        for (int p = 0; p < 3; p++) {
            cumulative += ratios[p];
            int end = p == 2 ? order.length : (int) Math.min(order.length, Math.round(order.length * cumulative));
            parts[p] = Arrays.copyOfRange(order, start, Math.max(start, end));
            start = Math.max(start, end);
        }
        return parts;
    }

    private static double[] checkRatios(double[] ratios) {
        if (ratios.length < 2 || ratios.length > 3) {
            throw new IllegalArgumentException("expected 2 or 3 ratios (train, validation[, test]), got "
                    + ratios.length);
        }
        double sum = 0;
        for (double r : ratios) {
            if (!(r >= 0)) {
                throw new IllegalArgumentException("ratios must be non-negative: " + Arrays.toString(ratios));
            }
            sum += r;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("ratios must sum to 1, got " + sum);
        }
        return Arrays.copyOf(ratios, 3);
    }
}
