package dev.jgrad.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Float arrays of released storages, kept for the next allocation of the same length.
 *
 * <p>Why: a fresh Java array of a few megabytes costs about as much as one pass over it (the JVM zeroes it on the
 * allocating thread, into memory that is no longer in cache), and a training step allocates hundreds of them;
 * on a two-core machine the other core waits meanwhile. An array handed back is zeroed again here, but it is
 * still in cache, and that pass runs two to three times faster than a fresh allocation.
 *
 * <p>The JVM does not say when an array becomes garbage, so only code that knows it holds the last reference
 * releases a storage ({@link Storage#release}): autograd's backward pass, for gradients it allocated itself
 * and has finished with. Nothing else is pooled, and a released storage's accessors throw.
 *
 * <p>Bounded: at most {@link #capacityBytes()} bytes wait here (set with {@code -Djgrad.pool.mb}; 0 turns the
 * pool off), and arrays under {@link #MIN_FLOATS} elements are left to the JVM, whose small allocations are
 * cheap. Thread-safe; the newest array of a length is handed out first, as the most likely to be in cache.
 */
public final class StoragePool {
    private StoragePool() {}

    /**
     * Arrays below this many floats are not pooled: 2^16 (256 KiB) unless {@code -Djgrad.pool.minFloats} says
     * otherwise (the test suite sets 1, so that every gradient check runs with every buffer recycled).
     */
    public static final int MIN_FLOATS = (int) longProperty("jgrad.pool.minFloats", 1 << 16);

    private static final long CAPACITY = longProperty("jgrad.pool.mb", Math.min(512L, Runtime.getRuntime().maxMemory() / 8 >> 20)) << 20;
    private static final Map<Integer, ArrayDeque<float[]>> FREE = new HashMap<>();
    private static long heldBytes, taken, given;

    private static long longProperty(String name, long fallback) {
        String v = System.getProperty(name);
        if (v == null) return fallback;
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0 || n > Integer.MAX_VALUE) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + "=" + v + ": expected a whole number from 0 to " + Integer.MAX_VALUE);
        }
    }

    /** The most bytes the pool holds. */
    public static long capacityBytes() { return CAPACITY; }

    /** How many arrays allocations have taken from the pool, and how many it has kept, since the JVM started. */
    public static synchronized long[] counts() { return new long[] {taken, given}; }

    /** A zero-filled array of {@code length} floats from the pool, or null when none waits. */
    static float[] take(int length) {
        if (length < MIN_FLOATS) return null;
        float[] a;
        synchronized (StoragePool.class) {
            ArrayDeque<float[]> q = FREE.get(length);
            a = q == null ? null : q.pollFirst();
            if (a == null) return null;
            taken++;
            heldBytes -= 4L * length;
        }
        java.util.Arrays.fill(a, 0f);
        return a;
    }

    /** Keeps {@code a} for a later {@link #take}, if it is large enough and the pool has room; else drops it. */
    static void give(float[] a) {
        if (a.length < MIN_FLOATS) return;
        synchronized (StoragePool.class) {
            if (heldBytes + 4L * a.length > CAPACITY) return;
            given++;
            FREE.computeIfAbsent(a.length, n -> new ArrayDeque<>()).addFirst(a);
            heldBytes += 4L * a.length;
        }
    }

    /** Drops every pooled array (tests; or to hand the memory back to the JVM). */
    public static synchronized void clear() {
        FREE.clear();
        heldBytes = 0;
    }
}
