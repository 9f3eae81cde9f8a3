package dev.jgrad.engine.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one fixed pool that CPU kernels split their work over; kernels never create threads.
 *
 * <p>Its size is {@code -Djgrad.threads}, else the {@code JGRAD_THREADS} environment variable, else the number
 * of cores: the calling thread plus size − 1 workers. A call made from inside the pool runs serially, so nested
 * kernels never oversubscribe; a call made while another thread is using the pool also runs serially.
 *
 * <p>Why not a {@code ForkJoinPool}: its idle workers park at once, and waking one took 60–70 µs on this
 * machine (a region of two 20 µs chunks after 20 µs of serial work took 106 µs instead of 40). A training step
 * runs about a thousand parallel regions, most of them short, separated by short serial stretches (autograd
 * bookkeeping, allocation), so that latency cost as much as the second core gained. These workers spin for a
 * while after each region before they park, as OpenMP runtimes do (GOMP_SPINCOUNT, KMP_BLOCKTIME), and all
 * participants, the caller included, take chunks from one counter.
 */
public final class Parallel {
    /** A body that processes the index range [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        void run(long lo, long hi);
    }

    /** How long an idle worker spins for the next region before it parks. */
    private static final long SPIN_NANOS = 500_000;

    private static volatile int threads = defaultThreads();
    /** Set while a thread runs a chunk, so that a nested forRange runs serially instead of oversubscribing. */
    private static final ThreadLocal<boolean[]> IN_REGION = ThreadLocal.withInitial(() -> new boolean[1]);
    private static volatile Pool pool = new Pool(threads);

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

    /** Number of threads kernels use. */
    public static int threads() {
        return threads;
    }

    /** Resizes the pool (benchmarks sweep thread counts with this). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        Pool old = pool;
        pool = new Pool(n);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks, none smaller than
     * {@code grain} elements; returns when all are done. Chunk c is always [n·c/chunks, n·(c+1)/chunks), whichever
     * thread runs it, so results do not depend on scheduling.
     */
    public static void forRange(long n, long grain, RangeBody body) {
        int t = threads;
        int chunks = (int) Math.max(1, Math.min(t, n / Math.max(1, grain)));
        if (chunks == 1 || IN_REGION.get()[0] || !pool.run(n, chunks, body)) {
            if (n > 0) body.run(0, n);
        }
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

    /** One parallel region: its chunks are claimed from {@code next} by the caller and the workers alike. */
    private static final class Job {
        final long seq;
        final long n;
        final int chunks;
        final RangeBody body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable error;

        Job(long seq, long n, int chunks, RangeBody body) {
            this.seq = seq;
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    runInRegion(body, n * c / chunks, n * (c + 1) / chunks);
                } catch (Throwable e) {
                    if (error == null) error = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    /** The workers and the region they are on. */
    private static final class Pool {
        private final Worker[] workers;
        private final ReentrantLock lock = new ReentrantLock();
        /** The region in progress, null between regions (so that no one keeps its arrays reachable). */
        private volatile Job job;
        private long seq;
        private volatile boolean shutdown;

        Pool(int threads) {
            workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this);
                Thread t = new Thread(workers[i], "jgrad-worker-" + i);
                t.setDaemon(true);
                workers[i].thread = t;
                t.start();
            }
        }

        /** Runs the region with the workers; false (nothing run) when another thread holds the pool. */
        boolean run(long n, int chunks, RangeBody body) {
            if (!lock.tryLock()) return false;
            try {
                Job j = new Job(++seq, n, chunks, body);
                job = j;
                for (Worker w : workers) {
                    if (w.parked) LockSupport.unpark(w.thread);
                }
                j.work();
                while (j.done.get() < chunks) Thread.onSpinWait();
                job = null;
                Throwable e = j.error;
                if (e instanceof RuntimeException re) throw re;
                if (e instanceof Error er) throw er;
                if (e != null) throw new RuntimeException(e);
                return true;
            } finally {
                lock.unlock();
            }
        }

        void shutdown() {
            shutdown = true;
            for (Worker w : workers) LockSupport.unpark(w.thread);
        }
    }

    private static final class Worker implements Runnable {
        private final Pool pool;
        Thread thread;
        volatile boolean parked;

        Worker(Pool pool) {
            this.pool = pool;
        }

        @Override
        public void run() {
            long seen = 0; // the last region this worker joined
            long idleSince = System.nanoTime();
            while (!pool.shutdown) {
                Job j = pool.job;
                if (j != null && j.seq != seen) {
                    seen = j.seq;
                    j.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // re-read after announcing: a region posted before this write is seen here, one posted
                    // after it sees parked and unparks this thread
                    Job now = pool.job;
                    if ((now == null || now.seq == seen) && !pool.shutdown) LockSupport.park(this);
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
