package dev.jgrad.engine.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The one fixed pool that CPU kernels split their work over; kernels never create threads.
 *
 * <p>Its size is {@code -Djgrad.threads}, else the {@code JGRAD_THREADS} environment variable, else the number
 * of cores. A call made from inside the pool runs serially, so nested kernels never oversubscribe.
 */
public final class Parallel {
    /** A body that processes the index range [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        void run(long lo, long hi);
    }

    private static volatile int threads = defaultThreads();
    /** Set while a thread runs a chunk, so that a nested forRange runs serially instead of oversubscribing. */
    private static final ThreadLocal<boolean[]> IN_REGION = ThreadLocal.withInitial(() -> new boolean[1]);
    private static volatile ForkJoinPool pool = newPool(threads);

    private Parallel() {}

    private static int defaultThreads() {
        String prop = System.getProperty("jgrad.threads");
        if (prop == null || prop.isBlank()) prop = System.getenv("JGRAD_THREADS");
        if (prop != null && !prop.isBlank()) {
            int t;
            try {
                t = Integer.parseInt(prop.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("jgrad.threads / JGRAD_THREADS must be a positive integer, got '" + prop + "'");
            }
            if (t < 1) throw new IllegalArgumentException("jgrad.threads / JGRAD_THREADS must be >= 1, got " + t);
            return t;
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(n, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("jgrad-worker-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** Number of threads kernels use. */
    public static int threads() {
        return threads;
    }

    /** Resizes the pool (benchmarks sweep thread counts with this). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = newPool(n);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks, none smaller than
     * {@code grain} elements; returns when all are done. The caller's thread does one chunk itself.
     */
    public static void forRange(long n, long grain, RangeBody body) {
        int t = threads;
        int chunks = (int) Math.max(1, Math.min(t, n / Math.max(1, grain)));
        boolean[] inRegion = IN_REGION.get();
        if (chunks == 1 || inRegion[0]) {
            if (n > 0) body.run(0, n);
            return;
        }
        ForkJoinPool p = pool;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            long lo = n * c / chunks, hi = n * (c + 1) / chunks;
            tasks[c - 1] = p.submit(() -> runInRegion(body, lo, hi));
        }
        runInRegion(body, 0, n / chunks);
        for (ForkJoinTask<?> task : tasks) task.join();
    }

    private static void runInRegion(RangeBody body, long lo, long hi) {
        boolean[] flag = IN_REGION.get();
        boolean previous = flag[0];
        flag[0] = true;
        try {
            body.run(lo, hi);
        } finally {
            flag[0] = previous;
        }
    }
}
