package dev.jgrad.finetune.tokenize;

/**
 * BERT's word splitting: whitespace separates words and is dropped; every punctuation character becomes a
 * word of its own ({@code "don't!"} gives {@code don ' t !}).
 */
final class BertPreTokenizer {
    /** Receives each word as a [start, end) range of the text. */
    interface WordConsumer {
        void accept(int start, int end);
    }

    private BertPreTokenizer() {}

    static void split(String text, WordConsumer consumer) {
        int wordStart = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean space = CharClasses.isWhitespace(cp);
            boolean punct = !space && CharClasses.isPunctuation(cp);
            if (space || punct) {
                if (wordStart >= 0) {
                    consumer.accept(wordStart, i);
                    wordStart = -1;
                }
                if (punct) {
                    consumer.accept(i, next);
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            consumer.accept(wordStart, text.length());
        }
    }
}
