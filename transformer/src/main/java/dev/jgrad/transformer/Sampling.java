package dev.jgrad.transformer;

import dev.jgrad.engine.Generator;

import java.util.Arrays;

/**
 * How the next token is chosen from a logits row.
 *
 * @param maxNewTokens tokens to generate at most
 * @param temperature  0 means greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK         keep only the k most likely tokens (0 = all)
 * @param topP         keep the smallest set of tokens whose probability reaches p (1 = all)
 * @param stopToken    stop after generating this id (−1 = never)
 * @param seed         seed of the sampling generator
 * @param useCache     reuse keys and values of earlier tokens (same tokens, much less work)
 */
public record Sampling(int maxNewTokens, float temperature, int topK, float topP, int stopToken, long seed, boolean useCache) {

    /** Greedy decoding with the KV cache. */
    public static Sampling greedy(int maxNewTokens) {
        return new Sampling(maxNewTokens, 0f, 0, 1f, -1, 0, true);
    }

    public Sampling withTemperature(float t) { return new Sampling(maxNewTokens, t, topK, topP, stopToken, seed, useCache); }
    public Sampling withTopK(int k) { return new Sampling(maxNewTokens, temperature, k, topP, stopToken, seed, useCache); }
    public Sampling withTopP(float p) { return new Sampling(maxNewTokens, temperature, topK, p, stopToken, seed, useCache); }
    public Sampling withStopToken(int id) { return new Sampling(maxNewTokens, temperature, topK, topP, id, seed, useCache); }
    public Sampling withSeed(long s) { return new Sampling(maxNewTokens, temperature, topK, topP, stopToken, s, useCache); }
    public Sampling withCache(boolean c) { return new Sampling(maxNewTokens, temperature, topK, topP, stopToken, seed, c); }

    /** Picks a token from one row of logits [V]. */
    int pick(float[] logits, Generator gen) {
        int v = logits.length;
        if (temperature == 0f) {
            int best = 0;
            for (int i = 1; i < v; i++) if (logits[i] > logits[best]) best = i;
            return best;
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));   // most likely first
        int keep = topK > 0 ? Math.min(topK, v) : v;
        double max = logits[order[0]] / temperature;
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / temperature - max);
            sum += p[i];
        }
        if (topP < 1f) { // nucleus: the shortest head of the sorted list whose mass reaches topP
            double mass = 0;
            int n = 0;
            while (n < keep && mass < topP * sum) mass += p[n++];
            keep = Math.max(1, n);
            sum = mass;
        }
        double r = gen.nextDouble() * sum;
        for (int i = 0; i < keep; i++) {
            r -= p[i];
            if (r < 0) return order[i];
        }
        return order[keep - 1];
    }
}
