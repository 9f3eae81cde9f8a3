package dev.jgrad.engine.backend.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spinning pool: every index exactly once, the fixed chunk split, errors, nesting and concurrent callers. */
class ParallelTest {
    private int saved;

    @BeforeEach
    void threeThreads() {
        saved = Parallel.threads();
        Parallel.setThreads(3);
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void coversEveryIndexOnceInTheFixedChunks() {
        for (int round = 0; round < 2000; round++) { // many short regions: workers spin, park and wake in between
            int n = 1 + round % 97;
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            AtomicInteger ranges = new AtomicInteger();
            Parallel.forRange(n, 1, (lo, hi) -> {
                int chunks = Math.min(3, n);
                int c = ranges.getAndIncrement();
                assertTrue(c < chunks, "at most one range per chunk");
                boolean isAChunk = false;
                for (int k = 0; k < chunks; k++) isAChunk |= lo == (long) n * k / chunks && hi == (long) n * (k + 1) / chunks;
                assertTrue(isAChunk, "[" + lo + ", " + hi + ") is chunk n*c/chunks .. n*(c+1)/chunks");
                for (long i = lo; i < hi; i++) hits.incrementAndGet((int) i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n);
        }
    }

    @Test
    void rethrowsAChunksErrorAfterAllChunksFinish() {
        AtomicInteger finished = new AtomicInteger();
        IllegalStateException e = new IllegalStateException("chunk failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRange(3, 1, (lo, hi) -> {
            if (lo == 1) throw e;
            finished.incrementAndGet();
        }));
        assertSame(e, thrown);
        assertEquals(2, finished.get(), "the other chunks still ran");
        AtomicInteger after = new AtomicInteger(); // and the pool still works
        Parallel.forRange(300, 1, (lo, hi) -> after.addAndGet((int) (hi - lo)));
        assertEquals(300, after.get());
    }

    @Test
    void nestedCallsRunSerially() {
        AtomicInteger total = new AtomicInteger();
        Parallel.forRange(3, 1, (lo, hi) -> Parallel.forRange(100, 1, (a, b) -> {
            assertEquals(0, a);
            assertEquals(100, b);
            total.addAndGet((int) (b - a));
        }));
        assertEquals(300, total.get());
    }

    @Test
    void concurrentCallersAllFinish() throws InterruptedException {
        AtomicInteger total = new AtomicInteger();
        Thread[] callers = new Thread[4];
        for (int t = 0; t < callers.length; t++) {
            callers[t] = new Thread(() -> {
                for (int r = 0; r < 500; r++) Parallel.forRange(64, 1, (lo, hi) -> total.addAndGet((int) (hi - lo)));
            });
            callers[t].start();
        }
        for (Thread t : callers) t.join();
        assertEquals(4 * 500 * 64, total.get());
    }
}
