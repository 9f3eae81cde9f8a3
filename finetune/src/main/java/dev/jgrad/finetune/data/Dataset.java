package dev.jgrad.finetune.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows read from one dataset file, in file order.
 *
 * @param source the file the rows came from (used in error messages about them)
 * @param examples the rows, never empty when produced by {@link DatasetReader}
 */
public record Dataset(Path source, List<Example> examples) {
    public Dataset {
        examples = List.copyOf(examples);
    }

    /** Number of rows. */
    public int size() {
        return examples.size();
    }

    /** The raw labels in row order; throws if a row is unlabeled. */
    public String[] labels() {
        String[] labels = new String[examples.size()];
        for (int i = 0; i < labels.length; i++) {
            Example e = examples.get(i);
            if (e.label() == null) {
                throw new DatasetException(source, e.line(), "row has no label");
            }
            labels[i] = e.label();
        }
        return labels;
    }

    /** The rows at the given indices, in that order (used to materialize splits and folds). */
    public Dataset select(int[] indices) {
        List<Example> picked = new ArrayList<>(indices.length);
        for (int i : indices) {
            picked.add(examples.get(i));
        }
        return new Dataset(source, picked);
    }
}
