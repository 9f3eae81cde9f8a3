package dev.jgrad.finetune.metrics;

/** Argument checks shared by the metrics. */
final class Checks {
    private Checks() {}

    static void sameLength(int predictions, int references) {
        if (predictions != references) {
            throw new IllegalArgumentException(predictions + " predictions but " + references + " references");
        }
        if (predictions == 0) {
            throw new IllegalArgumentException("no predictions to score");
        }
    }

    /** a / b, or 0 when b is 0 (scikit-learn's {@code zero_division=0}). */
    static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
