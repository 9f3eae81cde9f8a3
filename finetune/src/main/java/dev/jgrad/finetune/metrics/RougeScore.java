package dev.jgrad.finetune.metrics;

/**
 * Precision, recall and F1 of one ROUGE variant.
 *
 * @param precision overlap divided by the hypothesis size
 * @param recall overlap divided by the reference size
 * @param fmeasure harmonic mean of the two
 */
public record RougeScore(double precision, double recall, double fmeasure) {
    static final RougeScore ZERO = new RougeScore(0, 0, 0);

    static RougeScore of(double overlap, int hypothesisSize, int referenceSize) {
        double p = overlap / Math.max(hypothesisSize, 1);
        double r = overlap / Math.max(referenceSize, 1);
        return p == 0 && r == 0 ? ZERO : new RougeScore(p, r, 2 * p * r / (p + r));
    }
}
