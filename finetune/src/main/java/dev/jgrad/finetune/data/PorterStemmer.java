package dev.jgrad.finetune.data;

/**
 * Martin Porter's 1980 suffix-stripping stemmer, following his reference implementation
 * (including its two documented departures from the paper: {@code -bli -> -ble} and {@code -logi -> -log}).
 *
 * <p>The word is held in a char buffer {@code b[0..k]}; {@code j} marks the end of the stem while a suffix is
 * being tested. The "measure" {@code m} counts vowel-consonant sequences in the stem; most rules only fire when
 * the remaining stem is long enough ({@code m > 0} or {@code m > 1}), which keeps short words intact.
 */
public final class PorterStemmer {
    private final char[] b;
    private int k;
    private int j;

    private PorterStemmer(String word) {
        b = word.toCharArray();
        k = b.length - 1;
    }

    /** Returns the stem of a lowercase English word; words of one or two letters are returned unchanged. */
    public static String stem(String word) {
        if (word.length() <= 2) {
            return word;
        }
        PorterStemmer s = new PorterStemmer(word);
        s.step1ab();
        if (s.k > 0) {
            s.step1c();
            s.step2();
            s.step3();
            s.step4();
            s.step5();
        }
        return new String(s.b, 0, s.k + 1);
    }

    /** True if b[i] is a consonant; 'y' is a consonant at the start or after a vowel. */
    private boolean cons(int i) {
        switch (b[i]) {
            case 'a', 'e', 'i', 'o', 'u':
                return false;
            case 'y':
                return i == 0 || !cons(i - 1);
            default:
                return true;
        }
    }

    /** The measure of b[0..j]: the number of VC sequences in [C](VC)^m[V]. */
    private int m() {
        int n = 0;
        int i = 0;
        while (true) {
            if (i > j) {
                return n;
            }
            if (!cons(i)) {
                break;
            }
            i++;
        }
        i++;
        while (true) {
            while (true) {
                if (i > j) {
                    return n;
                }
                if (cons(i)) {
                    break;
                }
                i++;
            }
            i++;
            n++;
            while (true) {
                if (i > j) {
                    return n;
                }
                if (!cons(i)) {
                    break;
                }
                i++;
            }
            i++;
        }
    }

    /** True if b[0..j] contains a vowel. */
    private boolean vowelInStem() {
        for (int i = 0; i <= j; i++) {
            if (!cons(i)) {
                return true;
            }
        }
        return false;
    }

    /** True if b[i-1..i] is a double consonant. */
    private boolean doubleC(int i) {
        return i >= 1 && b[i] == b[i - 1] && cons(i);
    }

    /** True if b[i-2..i] is consonant-vowel-consonant and the last is not w, x or y (e.g. "hop", not "snow"). */
    private boolean cvc(int i) {
        if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) {
            return false;
        }
        char ch = b[i];
        return ch != 'w' && ch != 'x' && ch != 'y';
    }

    /** True if b[0..k] ends with {@code s}; then sets j to the end of the stem before it. */
    private boolean ends(String s) {
        int len = s.length();
        int start = k - len + 1;
        if (start < 0) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[start + i] != s.charAt(i)) {
                return false;
            }
        }
        j = k - len;
        return true;
    }

    /** Replaces b[j+1..k] with {@code s}. */
    private void setTo(String s) {
        for (int i = 0; i < s.length(); i++) {
            b[j + 1 + i] = s.charAt(i);
        }
        k = j + s.length();
    }

    /** setTo(s) if the stem's measure is positive. */
    private void r(String s) {
        if (m() > 0) {
            setTo(s);
        }
    }

    /** Plurals and -ed/-ing: caresses->caress, ponies->poni, hopping->hop, agreed->agree, sized->size. */
    private void step1ab() {
        if (b[k] == 's') {
            if (ends("sses")) {
                k -= 2;
            } else if (ends("ies")) {
                setTo("i");
            } else if (b[k - 1] != 's') {
                k--;
            }
        }
        if (ends("eed")) {
            if (m() > 0) {
                k--;
            }
        } else if ((ends("ed") || ends("ing")) && vowelInStem()) {
            k = j;
            if (ends("at")) {
                setTo("ate");
            } else if (ends("bl")) {
                setTo("ble");
            } else if (ends("iz")) {
                setTo("ize");
            } else if (doubleC(k)) {
                k--;
                char ch = b[k];
                if (ch == 'l' || ch == 's' || ch == 'z') {
                    k++;
                }
            } else if (m() == 1 && cvc(k)) {
                setTo("e");
            }
        }
    }

    /** Terminal y to i when there is another vowel in the stem: happy->happi, sky->sky. */
    private void step1c() {
        if (ends("y") && vowelInStem()) {
            b[k] = 'i';
        }
    }

    /** Double suffixes to single ones when m > 0: relational->relate, digitizer->digitize. */
    private void step2() {
        if (k >= 1) replaceFirstSuffix(STEP2);
    }

    /** -ic-, -full, -ness etc.: electrical->electric, hopeful->hope, goodness->good. */
    private void step3() {
        replaceFirstSuffix(STEP3);
    }

    /**
     * Step 2 and 3 rules (suffix, replacement) in Porter's order. Porter's C code dispatches on one letter first;
     * that only skips rules that cannot match, so the first matching rule here is the one it applies.
     */
    private static final String[][] STEP2 = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
        {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
        {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
        {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
        {"logi", "log"},
    };
    private static final String[][] STEP3 = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"},
        {"ful", ""}, {"ness", ""},
    };

    /** Applies the first rule whose suffix ends the word (only if the stem's measure is positive, via r). */
    private void replaceFirstSuffix(String[][] rules) {
        for (String[] rule : rules) {
            if (ends(rule[0])) {
                r(rule[1]);
                return;
            }
        }
    }

    private static final String[][] STEP4 = {
        {"al"}, {"ance", "ence"}, {"er"}, {"ic"}, {"able", "ible"}, {"ant", "ement", "ment", "ent"},
        {"ion", "ou"}, {"ism"}, {"ate", "iti"}, {"ous"}, {"ive"}, {"ize"},
    };

    /** Removes -ant, -ence etc. when m > 1: revival->reviv, adjustment->adjust. */
    private void step4() {
        if (k < 1) {
            return;
        }
        String[] candidates = step4Candidates(b[k - 1]);
        boolean found = false;
        for (String suffix : candidates) {
            if (ends(suffix)) {
                // -ion only counts after s or t (adoption -> adopt, but not "lion")
                found = !suffix.equals("ion") || (j >= 0 && (b[j] == 's' || b[j] == 't'));
                break;
            }
        }
        if (found && m() > 1) {
            k = j;
        }
    }

    private static String[] step4Candidates(char penultimate) {
        return switch (penultimate) {
            case 'a' -> STEP4[0];
            case 'c' -> STEP4[1];
            case 'e' -> STEP4[2];
            case 'i' -> STEP4[3];
            case 'l' -> STEP4[4];
            case 'n' -> STEP4[5];
            case 'o' -> STEP4[6];
            case 's' -> STEP4[7];
            case 't' -> STEP4[8];
            case 'u' -> STEP4[9];
            case 'v' -> STEP4[10];
            case 'z' -> STEP4[11];
            default -> new String[0];
        };
    }

    /** Final -e when m > 1 (or m = 1 and not cvc), and -ll to -l when m > 1: probate->probat, controll->control. */
    private void step5() {
        j = k;
        if (b[k] == 'e') {
            int a = m();
            if (a > 1 || (a == 1 && !cvc(k - 1))) {
                k--;
            }
        }
        if (b[k] == 'l' && doubleC(k) && m() > 1) {
            k--;
        }
    }
}
