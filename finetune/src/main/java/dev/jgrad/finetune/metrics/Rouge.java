package dev.jgrad.finetune.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L as torchmetrics' {@code ROUGEScore} computes them without stemming: text is
 * lowercased and every run of characters other than {@code a-z0-9} becomes a space; ROUGE-N counts clipped
 * n-gram overlap; ROUGE-L uses the longest common subsequence. Corpus scores are means of sentence scores.
 */
public final class Rouge {
    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");

    private Rouge() {}

    /** ROUGE-N of one hypothesis against one reference. */
    public static RougeScore rougeN(String hypothesis, String reference, int n) {
        return rougeN(tokens(hypothesis), tokens(reference), n);
    }

    /** ROUGE-L of one hypothesis against one reference. */
    public static RougeScore rougeL(String hypothesis, String reference) {
        return rougeL(tokens(hypothesis), tokens(reference));
    }

    /**
     * Corpus scores, keyed like torchmetrics: {@code rouge1_precision}, {@code rouge1_recall},
     * {@code rouge1_fmeasure}, then {@code rouge2_*} and {@code rougeL_*}.
     */
    public static Map<String, Double> corpus(List<String> hypotheses, List<String> references) {
        Checks.sameLength(hypotheses.size(), references.size());
        double[][] sums = new double[3][3];
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> h = tokens(hypotheses.get(i));
            List<String> r = tokens(references.get(i));
            RougeScore[] scores = {rougeN(h, r, 1), rougeN(h, r, 2), rougeL(h, r)};
            for (int k = 0; k < 3; k++) {
                sums[k][0] += scores[k].precision();
                sums[k][1] += scores[k].recall();
                sums[k][2] += scores[k].fmeasure();
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        String[] names = {"rouge1", "rouge2", "rougeL"};
        for (int k = 0; k < 3; k++) {
            out.put(names[k] + "_precision", sums[k][0] / hypotheses.size());
            out.put(names[k] + "_recall", sums[k][1] / hypotheses.size());
            out.put(names[k] + "_fmeasure", sums[k][2] / hypotheses.size());
        }
        return out;
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String t : NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").split("\\s+")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static RougeScore rougeN(List<String> hyp, List<String> ref, int n) {
        Map<List<String>, Integer> hypGrams = ngrams(hyp, n);
        Map<List<String>, Integer> refGrams = ngrams(ref, n);
        int hypTotal = Math.max(0, hyp.size() - n + 1);
        int refTotal = Math.max(0, ref.size() - n + 1);
        if (hypTotal == 0 || refTotal == 0) {
            return RougeScore.ZERO;
        }
        int hits = 0;
        for (Map.Entry<List<String>, Integer> e : hypGrams.entrySet()) {
            hits += Math.min(e.getValue(), refGrams.getOrDefault(e.getKey(), 0));
        }
        return RougeScore.of(hits, hypTotal, refTotal);
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
        }
        return counts;
    }

    private static RougeScore rougeL(List<String> hyp, List<String> ref) {
        if (hyp.isEmpty() || ref.isEmpty()) {
            return RougeScore.ZERO;
        }
        // Classic dynamic programme, keeping only the previous row.
        int[] prev = new int[ref.size() + 1];
        int[] cur = new int[ref.size() + 1];
        for (String h : hyp) {
            for (int j = 1; j <= ref.size(); j++) {
                cur[j] = h.equals(ref.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return RougeScore.of(prev[ref.size()], hyp.size(), ref.size());
    }
}
