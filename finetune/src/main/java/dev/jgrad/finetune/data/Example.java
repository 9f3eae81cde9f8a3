package dev.jgrad.finetune.data;

/**
 * One row of a dataset: the text (or a pair of texts) and its raw label.
 *
 * @param text the text to classify or regress on
 * @param textPair the second text of a pair (e.g. the hypothesis in NLI), or {@code null}
 * @param label the label exactly as written in the file (a class name or a number), or {@code null} if unlabeled
 * @param line the 1-based line in the source file where this row starts, for error messages
 */
public record Example(String text, String textPair, String label, long line) {}
