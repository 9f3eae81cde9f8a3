package dev.jgrad.finetune.tokenize;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization: the regular expression that cuts text into words, numbers, punctuation runs and
 * whitespace before any merging happens, so no token ever spans two of those.
 *
 * <p>{@code \s} must mean Unicode whitespace as it does in the Rust and Python regex engines, hence
 * {@link Pattern#UNICODE_CHARACTER_CLASS}. {@code \s+(?!\S)} takes a whitespace run except its last character
 * when a word follows, so that the word keeps its leading space ({@code "a   b"} becomes {@code "a", "  ", " b"});
 * Java's backtracking gives the same matches as the original engines.
 */
final class ByteLevelPreTokenizer {
    static final String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final Pattern PATTERN = Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    /** Receives each piece as a [start, end) range of the text. */
    interface PieceConsumer {
        void accept(int start, int end);
    }

    private ByteLevelPreTokenizer() {}

    /**
     * Calls {@code consumer} for each piece of {@code text[start, end)}. The range is matched as if it were the
     * whole string (opaque region bounds), as Hugging Face does for each segment between special tokens.
     */
    static void split(String text, int start, int end, PieceConsumer consumer) {
        Matcher m = PATTERN.matcher(text);
        m.region(start, end);
        while (m.find()) {
            consumer.accept(m.start(), m.end());
        }
    }
}
