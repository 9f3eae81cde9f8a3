package dev.jgrad.cli.text;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jgrad.finetune.metrics.Average;
import dev.jgrad.finetune.metrics.Bleu;
import dev.jgrad.finetune.metrics.ClassificationMetrics;
import dev.jgrad.finetune.metrics.RegressionMetrics;
import dev.jgrad.finetune.metrics.Rouge;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad score}: compares a predictions file with a references file, line by line, on the requested
 * metrics. Labels are compared as strings, regression metrics parse numbers, BLEU and ROUGE take sentences.
 */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score predictions against references.")
public final class ScoreCommand implements Callable<Integer> {
    /** Every metric name accepted by {@code --metrics}. */
    static final List<String> METRICS = List.of("accuracy", "precision", "recall", "f1", "mse", "mae", "rmse", "r2",
            "bleu", "sentence_bleu", "rouge1", "rouge2", "rougeL");

    @Spec
    CommandSpec spec;

    @Option(names = "--predictions", required = true, description = "One prediction per line.")
    Path predictions;

    @Option(names = "--references", required = true, description = "One reference per line.")
    Path references;

    @Option(names = "--metrics", required = true, split = ",",
            description = "Comma-separated: accuracy, precision, recall, f1, mse, mae, rmse, r2, bleu, "
                    + "sentence_bleu (mean), rouge1, rouge2, rougeL.")
    List<String> metrics;

    @Option(names = "--average", defaultValue = "macro",
            description = "For precision/recall/f1: binary, macro, micro or weighted (default: ${DEFAULT-VALUE}).")
    String average;

    @Option(names = "--pos-label", defaultValue = "1",
            description = "Positive class for --average binary (default: ${DEFAULT-VALUE}).")
    String posLabel;

    @Option(names = "--json", description = "Print one JSON object mapping metric names to values.")
    boolean json;

    @Override
    public Integer call() {
        return CliText.run(spec, () -> {
            for (String m : metrics) {
                if (!METRICS.contains(m)) {
                    throw new CliText.InputException("--metrics: unknown metric '" + m + "' (known: "
                            + String.join(", ", METRICS) + ")");
                }
            }
            Average avg = parseAverage();
            List<String> pred = CliText.lines(predictions);
            List<String> ref = CliText.lines(references);
            if (pred.size() != ref.size()) {
                throw new CliText.InputException(predictions + " has " + pred.size() + " lines but " + references
                        + " has " + ref.size());
            }
            if (pred.isEmpty()) {
                throw new CliText.InputException(predictions + ": file is empty");
            }
            Map<String, Double> results = new LinkedHashMap<>();
            for (String m : metrics) {
                compute(m, avg, pred, ref, results);
            }
            print(results);
            return 0;
        });
    }

    private Average parseAverage() {
        try {
            return Average.parse(average);
        } catch (IllegalArgumentException e) {
            throw new CliText.InputException("--average: expected binary, macro, micro or weighted, got '"
                    + average + "'");
        }
    }

    private void compute(String metric, Average avg, List<String> pred, List<String> ref, Map<String, Double> out) {
        switch (metric) {
            case "accuracy", "precision", "recall", "f1" -> {
                String[] p = labels(pred, predictions);
                String[] r = labels(ref, references);
                String suffix = metric.equals("accuracy") ? "" : "_" + avg.name().toLowerCase(Locale.ROOT);
                out.put(metric + suffix, switch (metric) {
                    case "accuracy" -> ClassificationMetrics.accuracy(r, p);
                    case "precision" -> ClassificationMetrics.precision(r, p, avg, posLabel);
                    case "recall" -> ClassificationMetrics.recall(r, p, avg, posLabel);
                    default -> ClassificationMetrics.f1(r, p, avg, posLabel);
                });
            }
            case "mse", "mae", "rmse", "r2" -> {
                double[] p = numbers(pred, predictions);
                double[] r = numbers(ref, references);
                out.put(metric, switch (metric) {
                    case "mse" -> RegressionMetrics.mse(r, p);
                    case "mae" -> RegressionMetrics.mae(r, p);
                    case "rmse" -> RegressionMetrics.rmse(r, p);
                    default -> RegressionMetrics.r2(r, p);
                });
            }
            case "bleu" -> out.put("bleu", Bleu.corpus(pred, ref).score());
            case "sentence_bleu" -> {
                double sum = 0;
                for (int i = 0; i < pred.size(); i++) {
                    sum += Bleu.sentence(pred.get(i), ref.get(i)).score();
                }
                out.put("sentence_bleu", sum / pred.size());
            }
            default -> Rouge.corpus(pred, ref).forEach((k, v) -> {
                if (k.startsWith(metric + "_")) {
                    out.put(k, v);
                }
            });
        }
    }

    private static String[] labels(List<String> lines, Path file) {
        String[] out = new String[lines.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = lines.get(i).strip();
            if (out[i].isEmpty()) {
                throw new CliText.InputException(file + ":" + (i + 1) + ": empty label");
            }
        }
        return out;
    }

    private static double[] numbers(List<String> lines, Path file) {
        double[] out = new double[lines.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Double.parseDouble(lines.get(i).strip());
            } catch (NumberFormatException e) {
                out[i] = Double.NaN;
            }
            if (!Double.isFinite(out[i])) {
                throw new CliText.InputException(file + ":" + (i + 1) + ": '" + lines.get(i) + "' is not a number");
            }
        }
        return out;
    }

    private void print(Map<String, Double> results) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = CliText.JSON.createObjectNode();
            results.forEach(node::put);
            out.println(CliText.JSON.writeValueAsString(node));
        } else {
            results.forEach((k, v) -> out.printf(Locale.ROOT, "%-20s %.6f%n", k, v));
        }
        out.flush();
    }
}
