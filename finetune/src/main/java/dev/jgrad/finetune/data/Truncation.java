package dev.jgrad.finetune.data;

/**
 * Which end of an over-long sequence to keep. Special tokens at the ends (e.g. BERT's {@code [CLS]} and
 * {@code [SEP]}) are protected: only the content between them is cut, so a truncated sequence is still
 * well-formed for the model.
 */
public enum Truncation {
    /** Keep the beginning of the content, drop its end (the usual choice). */
    KEEP_HEAD,
    /** Keep the end of the content, drop its beginning (useful when the conclusion matters most). */
    KEEP_TAIL;

    /**
     * Cuts {@code ids} to at most {@code maxLength}, keeping the first {@code prefix} and last {@code suffix} ids.
     *
     * @return {@code ids} itself if it already fits, else a new array of exactly {@code maxLength}
     */
    public int[] apply(int[] ids, int maxLength, int prefix, int suffix) {
        if (ids.length <= maxLength) {
            return ids;
        }
        if (prefix + suffix > maxLength || prefix + suffix > ids.length) {
            throw new IllegalArgumentException("maxLength " + maxLength + " cannot hold " + prefix + " + " + suffix
                    + " special tokens");
        }
        int keep = maxLength - prefix - suffix;
        int[] out = new int[maxLength];
        System.arraycopy(ids, 0, out, 0, prefix);
        int from = this == KEEP_HEAD ? prefix : ids.length - suffix - keep;
        System.arraycopy(ids, from, out, prefix, keep);
        System.arraycopy(ids, ids.length - suffix, out, prefix + keep, suffix);
        return out;
    }

    /** Convenience for sequences without protected special tokens. */
    public int[] apply(int[] ids, int maxLength) {
        return apply(ids, maxLength, 0, 0);
    }
}
