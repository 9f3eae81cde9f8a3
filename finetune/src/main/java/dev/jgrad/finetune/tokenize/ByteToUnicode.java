package dev.jgrad.finetune.tokenize;

/**
 * GPT-2's reversible mapping between the 256 byte values and 256 printable Unicode characters.
 *
 * <p>Byte-level BPE works on raw UTF-8 bytes, but vocabulary files are text. GPT-2 therefore maps each byte to
 * a visible character: printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves and
 * the other 68 (control bytes, space, soft hyphen...) to {@code U+0100} onwards, in byte order. That is why a
 * leading space shows up as {@code Ġ} (U+0120) in GPT-2 token strings.
 */
public final class ByteToUnicode {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteToUnicode() {}

    /** The character standing for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a mapped character stands for, or -1 if {@code c} is not one of the 256 characters. */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Maps bytes to their characters. */
    public static String encode(byte[] bytes, int from, int to) {
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** Maps bytes to their characters. */
    public static String encode(byte[] bytes) {
        return encode(bytes, 0, bytes.length);
    }

    /**
     * Maps characters back to bytes.
     *
     * @throws IllegalArgumentException if a character is not one of the 256 mapped characters
     */
    public static byte[] decode(CharSequence chars) {
        byte[] out = new byte[chars.length()];
        for (int i = 0; i < out.length; i++) {
            int b = byteOf(chars.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException("not a byte-level character: U+"
                        + Integer.toHexString(chars.charAt(i)));
            }
            out[i] = (byte) b;
        }
        return out;
    }

    /** All 256 characters in byte order (Hugging Face's {@code ByteLevel.alphabet()}, as a set). */
    public static String alphabet() {
        return new String(BYTE_TO_CHAR);
    }
}
