package dev.jgrad.finetune.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Counts of (true label, predicted label) pairs.
 *
 * @param labels the classes, sorted; the union of true and predicted labels, so a class that is only ever
 *     predicted (or never predicted) still has a row and a column
 * @param counts {@code counts[t][p]} = rows whose true label is {@code labels[t]} and prediction {@code labels[p]}
 */
public record ConfusionMatrix(List<String> labels, long[][] counts) {
    /** Builds the matrix from parallel label arrays. */
    public static ConfusionMatrix of(String[] truth, String[] predicted) {
        Checks.sameLength(truth.length, predicted.length);
        TreeSet<String> classes = new TreeSet<>(List.of(truth));
        classes.addAll(List.of(predicted));
        List<String> labels = List.copyOf(classes);
        Map<String, Integer> index = new HashMap<>();
        labels.forEach(label -> index.put(label, index.size()));
        long[][] counts = new long[labels.size()][labels.size()];
        for (int i = 0; i < truth.length; i++) {
            counts[index.get(truth[i])][index.get(predicted[i])]++;
        }
        return new ConfusionMatrix(labels, counts);
    }

    /** Rows correctly predicted as class {@code k}. */
    long truePositives(int k) {
        return counts[k][k];
    }

    /** Rows predicted as class {@code k} (column sum). */
    long predicted(int k) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[k];
        }
        return sum;
    }

    /** Rows whose true class is {@code k} (row sum, the class's support). */
    long support(int k) {
        long sum = 0;
        for (long c : counts[k]) {
            sum += c;
        }
        return sum;
    }

    /** Total rows. */
    long total() {
        long sum = 0;
        for (int k = 0; k < labels.size(); k++) {
            sum += support(k);
        }
        return sum;
    }
}
