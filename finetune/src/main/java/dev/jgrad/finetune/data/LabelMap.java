package dev.jgrad.finetune.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The mapping between class names and class ids for a classification task.
 *
 * <p>It is built from the training split only, with names sorted so the ids do not depend on row order.
 * Validation and test labels are then looked up, and a label training never saw is an error: the model has
 * no output for it, and silently dropping such rows would inflate the reported metrics.
 *
 * <p>It is saved with the model in Hugging Face's {@code config.json} style ({@code id2label}/{@code label2id}).
 */
public final class LabelMap {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> names;
    private final Map<String, Integer> ids = new HashMap<>();

    /** A label map over the given class names; the id of each name is its position. */
    public LabelMap(List<String> names) {
        this.names = List.copyOf(names);
        for (int i = 0; i < this.names.size(); i++) {
            if (ids.put(this.names.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate class name: " + this.names.get(i));
            }
        }
    }

    /** Builds the map from the training rows' labels, sorted by name. */
    public static LabelMap fromTraining(Dataset train) {
        return new LabelMap(new ArrayList<>(new TreeSet<>(List.of(train.labels()))));
    }

    /** Number of classes. */
    public int size() {
        return names.size();
    }

    /** The class names in id order. */
    public List<String> names() {
        return names;
    }

    /** The class name of an id. */
    public String name(int id) {
        return names.get(id);
    }

    /**
     * The ids of every row's label.
     *
     * @throws DatasetException naming file and line for a label that is not in the map
     */
    public int[] encode(Dataset dataset) {
        int[] out = new int[dataset.size()];
        for (int i = 0; i < out.length; i++) {
            Example e = dataset.examples().get(i);
            Integer id = e.label() == null ? null : ids.get(e.label());
            if (id == null) {
                throw new DatasetException(dataset.source(), e.line(), "label '" + e.label()
                        + "' never appears in the training data (known labels: " + names + ")");
            }
            out[i] = id;
        }
        return out;
    }

    /** Writes {@code {"id2label": {"0": ...}, "label2id": {...: 0}}} to {@code file}. */
    public void save(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode id2label = root.putObject("id2label");
        ObjectNode label2id = root.putObject("label2id");
        for (int i = 0; i < names.size(); i++) {
            id2label.put(Integer.toString(i), names.get(i));
            label2id.put(names.get(i), i);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** Reads a map written by {@link #save}, or any JSON with an {@code id2label} object (e.g. config.json). */
    public static LabelMap load(Path file) throws IOException {
        JsonNode id2label = JSON.readTree(file.toFile()).path("id2label");
        if (!id2label.isObject()) {
            throw new DatasetException(file, 0, "no 'id2label' object");
        }
        String[] names = new String[id2label.size()];
        id2label.properties().forEach(entry -> {
            int id = Integer.parseInt(entry.getKey());
            if (id < 0 || id >= names.length) {
                throw new DatasetException(file, 0, "id2label ids must be 0.." + (names.length - 1));
            }
            names[id] = entry.getValue().asText();
        });
        return new LabelMap(List.of(names));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMap other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "LabelMap" + names;
    }
}
