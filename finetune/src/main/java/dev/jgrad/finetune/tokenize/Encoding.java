package dev.jgrad.finetune.tokenize;

import java.util.Arrays;
import java.util.List;

/**
 * The result of tokenizing one text (or text pair).
 *
 * <p>Offsets are UTF-16 indices into the original input ({@code text.substring(start, end)} is what the token
 * came from); special tokens added by post-processing have the empty span {@code [0, 0)}. Hugging Face reports
 * offsets in code points instead; the two differ only after characters outside the Basic Multilingual Plane,
 * such as emoji.
 *
 * @param ids token ids
 * @param tokens token strings, parallel to {@code ids}
 * @param starts start offset of each token
 * @param ends end offset (exclusive) of each token
 * @param typeIds segment of each token: 0 for the first text, 1 for the second of a pair
 */
public record Encoding(int[] ids, List<String> tokens, int[] starts, int[] ends, int[] typeIds) {
    public Encoding {
        tokens = List.copyOf(tokens);
        if (tokens.size() != ids.length || starts.length != ids.length || ends.length != ids.length
                || typeIds.length != ids.length) {
            throw new IllegalArgumentException("encoding arrays differ in length");
        }
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }

    /** All ones: every token of an unpadded encoding is attended to (padding happens in the batcher). */
    public int[] attentionMask() {
        int[] mask = new int[ids.length];
        Arrays.fill(mask, 1);
        return mask;
    }

    /** The offsets as {@code [start, end]} pairs. */
    public int[][] offsets() {
        int[][] out = new int[ids.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[] {starts[i], ends[i]};
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && tokens.equals(e.tokens)
                && Arrays.equals(starts, e.starts) && Arrays.equals(ends, e.ends) && Arrays.equals(typeIds, e.typeIds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "Encoding" + tokens + Arrays.toString(ids);
    }
}
