package dev.jgrad.finetune.metrics;

/** Error metrics for regression, matching scikit-learn. */
public final class RegressionMetrics {
    private RegressionMetrics() {}

    /** Mean squared error. */
    public static double mse(double[] truth, double[] predicted) {
        Checks.sameLength(truth.length, predicted.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            double d = truth[i] - predicted[i];
            sum += d * d;
        }
        return sum / truth.length;
    }

    /** Root mean squared error, in the units of the target. */
    public static double rmse(double[] truth, double[] predicted) {
        return Math.sqrt(mse(truth, predicted));
    }

    /** Mean absolute error. */
    public static double mae(double[] truth, double[] predicted) {
        Checks.sameLength(truth.length, predicted.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            sum += Math.abs(truth[i] - predicted[i]);
        }
        return sum / truth.length;
    }

    /**
     * Coefficient of determination: 1 - SS_res / SS_tot. Can be negative (worse than predicting the mean).
     * For a constant target (SS_tot = 0) it is 1 if the predictions are perfect and 0 otherwise, as in
     * scikit-learn, rather than a division by zero.
     */
    public static double r2(double[] truth, double[] predicted) {
        Checks.sameLength(truth.length, predicted.length);
        double mean = 0;
        for (double t : truth) {
            mean += t;
        }
        mean /= truth.length;
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < truth.length; i++) {
            ssRes += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            ssTot += (truth[i] - mean) * (truth[i] - mean);
        }
        if (ssTot == 0) {
            return ssRes == 0 ? 1 : 0;
        }
        return 1 - ssRes / ssTot;
    }
}
