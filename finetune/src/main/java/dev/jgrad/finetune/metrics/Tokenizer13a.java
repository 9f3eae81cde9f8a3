package dev.jgrad.finetune.metrics;

import java.util.regex.Pattern;

/**
 * sacreBLEU's default {@code 13a} tokenization (the one of the WMT {@code mteval-v13a.pl} script): unescape a
 * few HTML entities, then put spaces around punctuation and symbols, except periods and commas inside numbers
 * ({@code 3.5}, {@code 1,000}) and hyphens not preceded by a digit.
 *
 * <p>BLEU scores are only comparable with the same tokenization, which is why this is fixed and not
 * configurable.
 */
public final class Tokenizer13a {
    private static final Pattern SYMBOLS = Pattern.compile("([\\{-~\\[-` -&\\(-\\+:-@/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");
    private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private Tokenizer13a() {}

    /** Tokenizes one line; tokens are separated by single spaces. */
    public static String tokenize(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.indexOf('&') >= 0) {
            s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        s = " " + s + " ";
        s = SYMBOLS.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return SPACES.matcher(s).replaceAll(" ").strip();
    }
}
