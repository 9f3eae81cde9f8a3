package dev.jgrad.finetune.tokenize;

/** Hand-rolled UTF-8 encoding of one code point, so byte positions can be tracked while encoding. */
final class Utf8 {
    private Utf8() {}

    /** Writes {@code cp} at {@code out[at]} and returns the position after it. */
    static int put(int cp, byte[] out, int at) {
        if (cp < 0x80) {
            out[at++] = (byte) cp;
        } else if (cp < 0x800) {
            out[at++] = (byte) (0xC0 | (cp >> 6));
            out[at++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[at++] = (byte) (0xE0 | (cp >> 12));
            out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[at++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            out[at++] = (byte) (0xF0 | (cp >> 18));
            out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[at++] = (byte) (0x80 | (cp & 0x3F));
        }
        return at;
    }
}
