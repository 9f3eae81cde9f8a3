package dev.jgrad.finetune.data;

/** Labels read as numbers, for regression tasks. */
public final class NumericLabels {
    private NumericLabels() {}

    /**
     * Parses every row's label as a finite number.
     *
     * @throws DatasetException naming file and line for a label that is not a finite number
     */
    public static double[] of(Dataset dataset) {
        double[] out = new double[dataset.size()];
        for (int i = 0; i < out.length; i++) {
            Example e = dataset.examples().get(i);
            try {
                out[i] = Double.parseDouble(e.label());
            } catch (NumberFormatException | NullPointerException ex) {
                out[i] = Double.NaN;
            }
            if (!Double.isFinite(out[i])) {
                throw new DatasetException(dataset.source(), e.line(),
                        "label '" + e.label() + "' is not a finite number (regression needs numeric labels)");
            }
        }
        return out;
    }
}
