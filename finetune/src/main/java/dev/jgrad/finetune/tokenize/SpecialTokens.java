package dev.jgrad.finetune.tokenize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special ("added") tokens of a tokenizer, and the first step of encoding: cutting the input at every
 * occurrence of one, so that {@code "a<|endoftext|>b"} yields the single id of {@code <|endoftext|>} instead of
 * tokenizing its characters. The rest is handed to the model's normal tokenization segment by segment.
 */
final class SpecialTokens {
    /**
     * A piece of the input: either a special token or ordinary text.
     *
     * @param start UTF-16 offset of the piece in the input
     * @param end exclusive end offset
     * @param specialId id of the special token, or -1 for ordinary text
     */
    record Segment(int start, int end, int specialId) {}

    private final Map<String, Integer> tokens;
    private final List<String> longestFirst;

    SpecialTokens(Map<String, Integer> tokens) {
        this.tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        this.longestFirst = new ArrayList<>(tokens.keySet());
        // At one position the longest match wins, as in Hugging Face's Aho-Corasick matcher.
        this.longestFirst.sort((a, b) -> b.length() - a.length());
    }

    Map<String, Integer> asMap() {
        return tokens;
    }

    boolean isSpecial(int id) {
        return tokens.containsValue(id);
    }

    /** Splits {@code text} into ordinary and special segments, left to right. */
    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        int plainStart = 0;
        int i = 0;
        while (i < text.length() && !tokens.isEmpty()) {
            String match = matchAt(text, i);
            if (match == null) {
                i++;
                continue;
            }
            if (i > plainStart) {
                out.add(new Segment(plainStart, i, -1));
            }
            out.add(new Segment(i, i + match.length(), tokens.get(match)));
            i += match.length();
            plainStart = i;
        }
        if (plainStart < text.length()) {
            out.add(new Segment(plainStart, text.length(), -1));
        }
        return out;
    }

    private String matchAt(String text, int i) {
        for (String token : longestFirst) {
            if (text.startsWith(token, i)) {
                return token;
            }
        }
        return null;
    }
}
