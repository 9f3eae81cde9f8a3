package dev.jgrad.engine;

/**
 * A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64), passed explicitly to every op
 * that draws random numbers so that runs are reproducible.
 *
 * <p>Its whole state is four longs plus a cached Gaussian; {@link #state()} and {@link #setState(long[])} save
 * and restore it exactly, which is what makes a resumed training run equal to an uninterrupted one.
 * The numbers differ from PyTorch's (a different algorithm), so tests compare statistics, not values.
 */
public final class Generator {
    private long s0, s1, s2, s3;
    private boolean hasSpare;
    private double spare;

    /** A generator whose whole stream is determined by {@code seed}. */
    public Generator(long seed) {
        manualSeed(seed);
    }

    /** Restarts the stream from {@code seed}. */
    public void manualSeed(long seed) {
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x + 0x9E3779B97F4A7C15L);
        hasSpare = false;
    }

    /**
     * SplitMix64's output function: a bijective mix of 64 bits. Hashing a key plus a counter with it gives a
     * counter-based stream (element i depends on nothing but the key and i), which parallel fills use.
     */
    public static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1) with 24 random bits, the resolution of a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Standard normal, by the Box–Muller transform (the second value of each pair is cached). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1;
        do u1 = nextDouble(); while (u1 == 0.0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spare = r * Math.sin(2 * Math.PI * u2);
        hasSpare = true;
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** The complete state: {s0, s1, s2, s3, hasSpare, bits of spare}. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    /** Restores a state returned by {@link #state()}. */
    public void setState(long[] state) {
        if (state.length != 6) throw new IllegalArgumentException("generator state has 6 longs, got " + state.length);
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3];
        hasSpare = state[4] != 0;
        spare = Double.longBitsToDouble(state[5]);
    }
}
