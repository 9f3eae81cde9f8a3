package dev.jgrad.finetune.metrics;

/**
 * Accuracy, precision, recall and F1 for single-label classification, matching scikit-learn with
 * {@code zero_division=0}: a class that is never predicted has precision 0 (not an error), and it still counts
 * in the macro average, which is exactly what makes macro-F1 punish ignoring a rare class.
 */
public final class ClassificationMetrics {
    /** Which score to compute per class. */
    private enum Kind { PRECISION, RECALL, F1 }

    private ClassificationMetrics() {}

    /** Fraction of rows whose prediction equals the reference. */
    public static double accuracy(String[] truth, String[] predicted) {
        Checks.sameLength(truth.length, predicted.length);
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i].equals(predicted[i])) {
                correct++;
            }
        }
        return (double) correct / truth.length;
    }

    /** Precision with the given averaging; {@code positive} is only used for {@link Average#BINARY}. */
    public static double precision(String[] truth, String[] predicted, Average average, String positive) {
        return score(ConfusionMatrix.of(truth, predicted), Kind.PRECISION, average, positive);
    }

    /** Recall with the given averaging. */
    public static double recall(String[] truth, String[] predicted, Average average, String positive) {
        return score(ConfusionMatrix.of(truth, predicted), Kind.RECALL, average, positive);
    }

    /** F1 (harmonic mean of precision and recall) with the given averaging. */
    public static double f1(String[] truth, String[] predicted, Average average, String positive) {
        return score(ConfusionMatrix.of(truth, predicted), Kind.F1, average, positive);
    }

    private static double score(ConfusionMatrix m, Kind kind, Average average, String positive) {
        int classes = m.labels().size();
        switch (average) {
            case BINARY -> {
                if (classes > 2) {
                    throw new IllegalArgumentException("binary averaging needs at most 2 classes, found "
                            + m.labels() + "; use macro, micro or weighted");
                }
                int k = m.labels().indexOf(positive);
                if (k < 0) {
                    // A positive class absent from both columns has no true or predicted positives.
                    return 0;
                }
                return perClass(kind, m.truePositives(k), m.predicted(k), m.support(k));
            }
            case MICRO -> {
                long tp = 0;
                for (int k = 0; k < classes; k++) {
                    tp += m.truePositives(k);
                }
                // Over all classes, predicted total and support total are both the number of rows.
                return perClass(kind, tp, m.total(), m.total());
            }
            case MACRO, WEIGHTED -> {
                double sum = 0;
                double weights = 0;
                for (int k = 0; k < classes; k++) {
                    double w = average == Average.MACRO ? 1 : m.support(k);
                    sum += w * perClass(kind, m.truePositives(k), m.predicted(k), m.support(k));
                    weights += w;
                }
                return Checks.ratio(sum, weights);
            }
            default -> throw new AssertionError(average);
        }
    }

    private static double perClass(Kind kind, long tp, long predicted, long support) {
        double precision = Checks.ratio(tp, predicted);
        double recall = Checks.ratio(tp, support);
        return switch (kind) {
            case PRECISION -> precision;
            case RECALL -> recall;
            // 2tp / (predicted + support) equals 2PR / (P + R) and is 0, not NaN, when both are 0.
            case F1 -> Checks.ratio(2.0 * tp, predicted + support);
        };
    }
}
