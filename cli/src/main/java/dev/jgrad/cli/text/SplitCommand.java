package dev.jgrad.cli.text;

import dev.jgrad.finetune.data.ColumnSpec;
import dev.jgrad.finetune.data.DataFormat;
import dev.jgrad.finetune.data.Dataset;
import dev.jgrad.finetune.data.DatasetReader;
import dev.jgrad.finetune.data.DatasetWriter;
import dev.jgrad.finetune.data.Split;
import dev.jgrad.finetune.data.Splits;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jgrad split}: writes deterministic train/validation/test files from one dataset file. */
@Command(name = "split", mixinStandardHelpOptions = true,
        description = "Split a CSV/TSV/JSONL dataset into train, validation and test files.")
public final class SplitCommand implements Callable<Integer> {
    private static final String[] PARTS = {"train", "validation", "test"};

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "Dataset file (.csv, .tsv or .jsonl).")
    Path input;

    @Option(names = "--ratios", split = ",", defaultValue = "0.8,0.1,0.1",
            description = "Train, validation[, test] fractions summing to 1 (default: ${DEFAULT-VALUE}).")
    double[] ratios;

    @Option(names = "--seed", defaultValue = "42", description = "Shuffle seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stratify", description = "Keep the label proportions in every part.")
    boolean stratify;

    @Option(names = "--text-column", defaultValue = "text", description = "Text column (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--label-column", defaultValue = "label",
            description = "Label column, needed for --stratify (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() {
        return CliText.run(spec, () -> {
            DataFormat format = DataFormat.fromPath(input);
            ColumnSpec columns = new ColumnSpec(textColumn, null, stratify ? labelColumn : null);
            Dataset dataset = DatasetReader.read(input, format, columns);
            Split split = stratify
                    ? Splits.stratified(dataset.labels(), ratios, seed)
                    : Splits.random(dataset.size(), ratios, seed);
            int[][] parts = split.parts();
            StringBuilder summary = new StringBuilder();
            for (int p = 0; p < PARTS.length; p++) {
                if (p == 2 && ratios.length == 2) {
                    continue;
                }
                Path target = out.resolve(PARTS[p] + format.extension());
                DatasetWriter.writeRows(input, format, parts[p], target);
                summary.append(PARTS[p]).append(": ").append(parts[p].length).append(" rows -> ").append(target)
                        .append('\n');
            }
            spec.commandLine().getOut().print(summary);
            spec.commandLine().getOut().flush();
            return 0;
        });
    }
}
