package dev.jgrad.finetune.tokenize;

import java.text.Normalizer;

/**
 * BERT's text normalization, as in Hugging Face's {@code BertNormalizer}. Per input character, in order:
 * <ol>
 *   <li>clean text: drop NUL, U+FFFD and control/format characters; turn every whitespace into a space;</li>
 *   <li>surround CJK ideographs with spaces, so each becomes its own word;</li>
 *   <li>strip accents: decompose (NFD) and drop non-spacing marks, so {@code é} becomes {@code e};</li>
 *   <li>lowercase (per character, without context, like Rust's {@code char::to_lowercase}).</li>
 * </ol>
 *
 * @param cleanText step 1
 * @param handleChineseChars step 2
 * @param stripAccents step 3 (Hugging Face's default: the same as {@code lowercase})
 * @param lowercase step 4
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents,
                             boolean lowercase) {
    /** bert-base-uncased's settings. */
    public static BertNormalizer uncased() {
        return new BertNormalizer(true, true, true, true);
    }

    /** bert-base-cased's settings. */
    public static BertNormalizer cased() {
        return new BertNormalizer(true, true, false, false);
    }

    /** Normalizes {@code text[from, to)}, keeping the alignment to input offsets. */
    NormalizedText normalize(String text, int from, int to) {
        NormalizedText out = new NormalizedText();
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            int end = i + Character.charCount(cp);
            if (cleanText && (cp == 0 || cp == 0xFFFD || CharClasses.isControl(cp))) {
                i = end;
                continue;
            }
            if (cleanText && CharClasses.isWhitespace(cp)) {
                out.append(' ', i, end);
            } else if (handleChineseChars && CharClasses.isChinese(cp)) {
                out.append(' ', i, end);
                out.append(Character.toString(cp), i, end);
                out.append(' ', i, end);
            } else {
                out.append(transform(cp), i, end);
            }
            i = end;
        }
        return out;
    }

    private String transform(int cp) {
        String s = Character.toString(cp);
        if (stripAccents) {
            String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder kept = new StringBuilder(decomposed.length());
            decomposed.codePoints()
                    .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .forEach(kept::appendCodePoint);
            s = kept.toString();
        }
        if (lowercase) {
            StringBuilder lower = new StringBuilder(s.length());
            // U+0130 (İ) is the one character whose unconditional lowercase is two code points.
            s.codePoints().forEach(c -> {
                if (c == 0x130) {
                    lower.append("i\u0307");
                } else {
                    lower.appendCodePoint(Character.toLowerCase(c));
                }
            });
            s = lower.toString();
        }
        return s;
    }
}
