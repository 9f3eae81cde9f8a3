package dev.jgrad.finetune.data;

import java.nio.file.Path;

/**
 * A problem with a user's dataset file, always reported with the file and, where it applies, the line.
 *
 * <p>Fine-tuning users mostly see these errors, not stack traces, so the message is the product:
 * {@code data/train.csv:17: empty text in column 'text'} tells them exactly what to fix.
 */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;

    /**
     * @param file the dataset file
     * @param line 1-based line number, or 0 when the problem concerns the whole file
     * @param message what is wrong, without the location prefix
     */
    public DatasetException(Path file, long line, String message) {
        super(location(file, line) + ": " + message);
        this.file = file;
        this.line = line;
    }

    /** The dataset file the problem was found in. */
    public Path file() {
        return file;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file. */
    public long line() {
        return line;
    }

    private static String location(Path file, long line) {
        return line > 0 ? file + ":" + line : file.toString();
    }
}
