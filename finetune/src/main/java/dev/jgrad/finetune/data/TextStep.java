package dev.jgrad.finetune.data;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One text-cleaning step of a {@link Preprocessor}. Each step has a stable {@link #id()} so a pipeline can be
 * saved with the model and replayed exactly at inference time.
 *
 * <p>Steps that remove things (HTML, URLs, e-mails) replace them with a space rather than nothing, so that
 * {@code word<br>word} does not glue two words together; add {@link #COLLAPSE_WHITESPACE} last to tidy up.
 */
public enum TextStep {
    /** Unicode compatibility normalization (NFKC): full-width letters, ligatures and the like become plain. */
    NFKC("nfkc") {
        @Override
        public String apply(String text) {
            return Normalizer.normalize(text, Normalizer.Form.NFKC);
        }
    },
    /** Lowercases with the root locale, so results do not depend on the machine's language settings. */
    LOWERCASE("lowercase") {
        @Override
        public String apply(String text) {
            return text.toLowerCase(Locale.ROOT);
        }
    },
    /** Removes {@code <script>}/{@code <style>} blocks, HTML comments and tags. */
    STRIP_HTML("strip_html") {
        @Override
        public String apply(String text) {
            return HTML.matcher(text).replaceAll(" ");
        }
    },
    /** Removes http(s)/ftp URLs and bare {@code www.} addresses. */
    STRIP_URLS("strip_urls") {
        @Override
        public String apply(String text) {
            return URL.matcher(text).replaceAll(" ");
        }
    },
    /** Removes e-mail addresses. */
    STRIP_EMAILS("strip_emails") {
        @Override
        public String apply(String text) {
            return EMAIL.matcher(text).replaceAll(" ");
        }
    },
    /** Turns every run of Unicode whitespace into one space and trims both ends. */
    COLLAPSE_WHITESPACE("collapse_whitespace") {
        @Override
        public String apply(String text) {
            return WHITESPACE.matcher(text).replaceAll(" ").strip();
        }
    },
    /**
     * Drops whitespace-separated tokens whose letters form an English stopword (case-insensitive), so
     * {@code "The"} and {@code "the,"} go too. Output tokens are joined with single spaces.
     */
    REMOVE_STOPWORDS("remove_stopwords") {
        @Override
        public String apply(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (String token : WHITESPACE.split(text.strip())) {
                String word = NON_LETTERS.matcher(token).replaceAll("").toLowerCase(Locale.ROOT);
                if (!token.isEmpty() && !Stopwords.ENGLISH.contains(word)) {
                    if (out.length() > 0) {
                        out.append(' ');
                    }
                    out.append(token);
                }
            }
            return out.toString();
        }
    },
    /**
     * Replaces every run of letters with its Porter stem (lowercased, since the algorithm is defined on
     * lowercase English); punctuation and digits are kept as they are.
     */
    PORTER_STEM("porter_stem") {
        @Override
        public String apply(String text) {
            Matcher m = LETTERS.matcher(text);
            StringBuilder out = new StringBuilder(text.length());
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(PorterStemmer.stem(m.group().toLowerCase(Locale.ROOT))));
            }
            m.appendTail(out);
            return out.toString();
        }
    };

    private static final Pattern HTML = Pattern.compile(
            "(?is)<script\\b.*?</script\\s*>|<style\\b.*?</style\\s*>|<!--.*?-->|</?[a-z!][^>]*>");
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|ftp://|www\\.)[^\\s<>\"]+");
    private static final Pattern EMAIL = Pattern.compile("[\\w.%+-]+@[\\w-]+(?:\\.[\\w-]+)+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern LETTERS = Pattern.compile("\\p{L}+");
    private static final Pattern NON_LETTERS = Pattern.compile("\\P{L}+");

    private final String id;

    TextStep(String id) {
        this.id = id;
    }

    /** The stable name used when a pipeline is saved. */
    public String id() {
        return id;
    }

    /** Applies this step to one text. */
    public abstract String apply(String text);

    /** The step with the given {@link #id()}. */
    public static TextStep fromId(String id) {
        for (TextStep step : values()) {
            if (step.id.equals(id)) {
                return step;
            }
        }
        throw new IllegalArgumentException("unknown preprocessing step '" + id + "'");
    }
}
