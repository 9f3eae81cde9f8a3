package dev.jgrad.finetune.metrics;

/**
 * A BLEU result with the statistics it came from, as sacreBLEU reports them.
 *
 * @param score BLEU on a 0-100 scale
 * @param precisions modified n-gram precisions (0-100), after smoothing
 * @param brevityPenalty {@code exp(1 - ref/sys)} when the output is shorter than the references, else 1
 * @param sysLength total hypothesis tokens
 * @param refLength total closest-reference tokens
 * @param matches clipped n-gram matches for n = 1..4
 * @param totals hypothesis n-grams for n = 1..4
 */
public record BleuScore(double score, double[] precisions, double brevityPenalty, long sysLength, long refLength,
                        long[] matches, long[] totals) {}
