package dev.jgrad.finetune.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered pipeline of {@link TextStep}s. It is saved next to the model ({@code preprocessing.json}) so
 * inference cleans text exactly the way training did; a mismatch there silently costs accuracy.
 *
 * @param steps the steps, applied first to last
 */
public record Preprocessor(List<TextStep> steps) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Preprocessor {
        steps = List.copyOf(steps);
    }

    /** A pipeline of the given steps, in order. */
    public static Preprocessor of(TextStep... steps) {
        return new Preprocessor(List.of(steps));
    }

    /** The pipeline that does nothing. */
    public static Preprocessor identity() {
        return new Preprocessor(List.of());
    }

    /** Runs every step over {@code text}. */
    public String apply(String text) {
        String out = text;
        for (TextStep step : steps) {
            out = step.apply(out);
        }
        return out;
    }

    /** Applies the pipeline to the text (and text pair) of every row. */
    public Dataset apply(Dataset dataset) {
        List<Example> out = new ArrayList<>(dataset.size());
        for (Example e : dataset.examples()) {
            out.add(new Example(apply(e.text()), e.textPair() == null ? null : apply(e.textPair()),
                    e.label(), e.line()));
        }
        return new Dataset(dataset.source(), out);
    }

    /** The step ids in order, e.g. {@code ["nfkc", "lowercase"]}. */
    public List<String> ids() {
        return steps.stream().map(TextStep::id).toList();
    }

    /** Parses step ids, e.g. from a command line {@code nfkc,lowercase}. */
    public static Preprocessor fromIds(List<String> ids) {
        return new Preprocessor(ids.stream().map(String::strip).map(TextStep::fromId).toList());
    }

    /** Writes {@code {"steps": [...]}} to {@code file}. */
    public void save(Path file) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(),
                JSON.createObjectNode().set("steps", JSON.valueToTree(ids())));
    }

    /** Reads a pipeline written by {@link #save}. */
    public static Preprocessor load(Path file) throws IOException {
        JsonNode steps = JSON.readTree(file.toFile()).path("steps");
        List<String> ids = new ArrayList<>();
        steps.forEach(node -> ids.add(node.asText()));
        return fromIds(ids);
    }
}
