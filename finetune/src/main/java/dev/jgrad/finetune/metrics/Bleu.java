package dev.jgrad.finetune.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU as sacreBLEU computes it: 13a tokenization, n-grams up to 4, matches clipped by the most frequent
 * occurrence in any reference, brevity penalty against the closest reference length (the shorter on ties), and
 * a geometric mean of the four precisions.
 *
 * <p>Corpus BLEU sums the statistics over all sentences before dividing (it is not a mean of sentence scores).
 * Sentence BLEU uses "effective order" (ignore n-gram orders the sentence is too short to have) and, by
 * default, exponential smoothing, because unsmoothed BLEU of one sentence is almost always 0.
 */
public final class Bleu {
    /** Highest n-gram order. */
    public static final int MAX_ORDER = 4;
    /** log(0) stand-in used by sacreBLEU, so that a zero precision drives the score to 0 without NaN. */
    private static final double LOG_ZERO = -9999999999.0;

    /** How zero n-gram matches are smoothed. */
    public enum Smoothing {
        /** No smoothing: any order without matches makes BLEU 0. */
        NONE,
        /** Precision {@code value / total} (default value 0.1) for orders without matches. */
        FLOOR,
        /** Add {@code value} (default 1) to matches and totals of orders 2 and up. */
        ADD_K,
        /** The NIST/mteval method: the k-th order without matches gets precision {@code 1 / (2^k * total)}. */
        EXP;

        /** sacreBLEU's default value for this method (unused for NONE and EXP). */
        public double defaultValue() {
            return this == FLOOR ? 0.1 : this == ADD_K ? 1 : 0;
        }
    }

    private Bleu() {}

    /** Corpus BLEU with exponential smoothing (sacreBLEU's {@code corpus_bleu} defaults), one reference each. */
    public static BleuScore corpus(List<String> hypotheses, List<String> references) {
        return corpus(hypotheses, List.of(references), Smoothing.EXP, Smoothing.EXP.defaultValue());
    }

    /**
     * Corpus BLEU.
     *
     * @param referenceSets one or more reference streams, each parallel to {@code hypotheses}
     */
    public static BleuScore corpus(List<String> hypotheses, List<List<String>> referenceSets, Smoothing smoothing,
                                   double smoothValue) {
        Stats stats = new Stats();
        for (int i = 0; i < hypotheses.size(); i++) {
            String[] refs = new String[referenceSets.size()];
            for (int r = 0; r < refs.length; r++) {
                Checks.sameLength(hypotheses.size(), referenceSets.get(r).size());
                refs[r] = referenceSets.get(r).get(i);
            }
            stats.add(hypotheses.get(i), refs);
        }
        return stats.score(smoothing, smoothValue, false);
    }

    /** Sentence BLEU with exponential smoothing and effective order (sacreBLEU's {@code sentence_bleu}). */
    public static BleuScore sentence(String hypothesis, String reference) {
        return sentence(hypothesis, List.of(reference), Smoothing.EXP, Smoothing.EXP.defaultValue());
    }

    /** Sentence BLEU with the given smoothing and effective order. */
    public static BleuScore sentence(String hypothesis, List<String> references, Smoothing smoothing,
                                     double smoothValue) {
        Stats stats = new Stats();
        stats.add(hypothesis, references.toArray(new String[0]));
        return stats.score(smoothing, smoothValue, true);
    }

    /** Sufficient statistics: lengths and per-order matches and totals, summed over sentences. */
    private static final class Stats {
        final long[] matches = new long[MAX_ORDER];
        final long[] totals = new long[MAX_ORDER];
        long sysLength;
        long refLength;

        void add(String hypothesis, String[] references) {
            String[] hyp = tokens(hypothesis);
            Map<String, Integer> maxRefCounts = new HashMap<>();
            int closest = -1;
            for (String reference : references) {
                String[] ref = tokens(reference);
                int diff = Math.abs(ref.length - hyp.length);
                int best = Math.abs(closest - hyp.length);
                if (closest < 0 || diff < best || (diff == best && ref.length < closest)) {
                    closest = ref.length;
                }
                ngrams(ref).forEach((g, c) -> maxRefCounts.merge(g, c, Math::max));
            }
            sysLength += hyp.length;
            refLength += closest;
            ngrams(hyp).forEach((g, c) -> {
                int n = order(g);
                totals[n - 1] += c;
                matches[n - 1] += Math.min(c, maxRefCounts.getOrDefault(g, 0));
            });
        }

        BleuScore score(Smoothing smoothing, double smoothValue, boolean effectiveOrder) {
            double[] precisions = new double[MAX_ORDER];
            double bp = sysLength < refLength ? (sysLength > 0 ? Math.exp(1 - (double) refLength / sysLength) : 0) : 1;
            boolean anyMatch = false;
            for (long m : matches) {
                anyMatch |= m > 0;
            }
            if (!anyMatch) {
                return new BleuScore(0, precisions, bp, sysLength, refLength, matches.clone(), totals.clone());
            }
            double smoothMteval = 1;
            int order = MAX_ORDER;
            for (int n = 1; n <= MAX_ORDER; n++) {
                double correct = matches[n - 1];
                double total = totals[n - 1];
                if (smoothing == Smoothing.ADD_K && n > 1) {
                    correct += smoothValue;
                    total += smoothValue;
                }
                if (total == 0) {
                    break;
                }
                if (effectiveOrder) {
                    order = n;
                }
                if (correct == 0) {
                    if (smoothing == Smoothing.EXP) {
                        smoothMteval *= 2;
                        precisions[n - 1] = 100 / (smoothMteval * total);
                    } else if (smoothing == Smoothing.FLOOR) {
                        precisions[n - 1] = 100 * smoothValue / total;
                    }
                } else {
                    precisions[n - 1] = 100 * correct / total;
                }
            }
            double logSum = 0;
            for (int n = 0; n < order; n++) {
                logSum += precisions[n] == 0 ? LOG_ZERO : Math.log(precisions[n]);
            }
            double score = bp * Math.exp(logSum / order);
            return new BleuScore(score, precisions, bp, sysLength, refLength, matches.clone(), totals.clone());
        }
    }

    private static String[] tokens(String text) {
        String t = Tokenizer13a.tokenize(text);
        return t.isEmpty() ? new String[0] : t.split(" ");
    }

    /** All n-grams of orders 1..4 with counts, each encoded as its tokens joined by a separator. */
    private static Map<String, Integer> ngrams(String[] tokens) {
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++) {
            for (int i = 0; i + n <= tokens.length; i++) {
                counts.merge(String.join("\u0001", List.of(tokens).subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int order(String ngram) {
        int n = 1;
        for (int i = 0; i < ngram.length(); i++) {
            if (ngram.charAt(i) == '\u0001') {
                n++;
            }
        }
        return n;
    }
}
