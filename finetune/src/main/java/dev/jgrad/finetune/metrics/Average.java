package dev.jgrad.finetune.metrics;

import java.util.Locale;

/** How per-class precision, recall and F1 are combined into one number (scikit-learn's {@code average}). */
public enum Average {
    /** Only the positive class's score (two-class problems). */
    BINARY,
    /** Unweighted mean over classes: every class counts the same, however rare. */
    MACRO,
    /** Computed from total true/false positives over all classes (equals accuracy for single-label tasks). */
    MICRO,
    /** Mean over classes weighted by each class's number of true instances (its support). */
    WEIGHTED;

    /** Parses {@code binary}, {@code macro}, {@code micro} or {@code weighted}. */
    public static Average parse(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }
}
