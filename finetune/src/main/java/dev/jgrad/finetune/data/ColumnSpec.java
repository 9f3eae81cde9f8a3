package dev.jgrad.finetune.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which columns (CSV/TSV header names, or JSONL keys) hold the text, the optional second text, and the label.
 *
 * @param text column with the (first) text; required
 * @param textPair column with the second text of a pair, or {@code null} for single-text tasks
 * @param label column with the label, or {@code null} for unlabeled data (e.g. inference inputs)
 */
public record ColumnSpec(String text, String textPair, String label) {
    public ColumnSpec {
        Objects.requireNonNull(text, "text column");
    }

    /** The common case: a {@code text} column and a {@code label} column. */
    public static ColumnSpec defaults() {
        return new ColumnSpec("text", null, "label");
    }

    /** The columns that must exist, in the order they are checked. */
    public List<String> required() {
        List<String> names = new ArrayList<>();
        names.add(text);
        if (textPair != null) {
            names.add(textPair);
        }
        if (label != null) {
            names.add(label);
        }
        return names;
    }
}
