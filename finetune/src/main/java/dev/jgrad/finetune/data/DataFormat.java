package dev.jgrad.finetune.data;

import java.nio.file.Path;
import java.util.Locale;

/** The dataset file formats we read, chosen from the file extension. */
public enum DataFormat {
    /** Comma-separated values with RFC 4180 quoting and a header row. */
    CSV,
    /** Tab-separated values with a header row (same quoting rules as CSV). */
    TSV,
    /** One JSON object per line. */
    JSONL;

    /**
     * Picks the format from the extension: {@code .csv}, {@code .tsv}/{@code .tab}, {@code .jsonl}/{@code .ndjson}.
     *
     * @throws DatasetException for any other extension, because guessing a format silently misreads data
     */
    public static DataFormat fromPath(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        throw new DatasetException(file, 0, "unknown dataset format (expected .csv, .tsv or .jsonl)");
    }

    /** The usual file extension, including the dot. */
    public String extension() {
        return "." + name().toLowerCase(Locale.ROOT);
    }
}
