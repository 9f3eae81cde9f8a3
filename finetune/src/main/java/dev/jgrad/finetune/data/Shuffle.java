package dev.jgrad.finetune.data;

import java.util.SplittableRandom;

/**
 * Seeded Fisher-Yates shuffles. Everything random in the data pipeline goes through here, with
 * {@link SplittableRandom} (whose output for a seed is fixed by its specification), so a seed reproduces the same
 * splits and batch order on every JVM.
 */
public final class Shuffle {
    private Shuffle() {}

    /** A random number generator for {@code seed}, derived further by {@code stream} (e.g. an epoch number). */
    public static SplittableRandom random(long seed, long stream) {
        // Mixing with a large odd constant keeps (seed, stream) pairs from colliding for small integers.
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream);
    }

    /** Shuffles {@code values} in place. */
    public static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /** The integers {@code 0..n-1} in shuffled order. */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, random);
        return p;
    }
}
