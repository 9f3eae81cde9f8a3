package dev.jgrad.finetune.tokenize;

import java.util.Arrays;

/**
 * Text after normalization, remembering for each of its UTF-16 units the span of the input character it came
 * from. That alignment is how a token found in {@code "angstrom"} reports offsets into {@code "Ångström"}.
 */
final class NormalizedText {
    private final StringBuilder text = new StringBuilder();
    private int[] starts = new int[16];
    private int[] ends = new int[16];

    /** Appends {@code piece}, all of it produced by the input span {@code [start, end)}. */
    void append(CharSequence piece, int start, int end) {
        for (int i = 0; i < piece.length(); i++) {
            append(piece.charAt(i), start, end);
        }
    }

    /** Appends one unit produced by the input span {@code [start, end)}. */
    void append(char c, int start, int end) {
        int n = text.length();
        if (n == starts.length) {
            starts = Arrays.copyOf(starts, n * 2);
            ends = Arrays.copyOf(ends, n * 2);
        }
        starts[n] = start;
        ends[n] = end;
        text.append(c);
    }

    String text() {
        return text.toString();
    }

    int length() {
        return text.length();
    }

    /** Input offset where normalized unit {@code i} starts. */
    int inputStart(int i) {
        return starts[i];
    }

    /** Input offset where normalized unit {@code i} ends. */
    int inputEnd(int i) {
        return ends[i];
    }
}
