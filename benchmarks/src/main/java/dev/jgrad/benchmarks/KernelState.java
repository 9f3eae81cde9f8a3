package dev.jgrad.benchmarks;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.cpu.Parallel;

import java.util.SplittableRandom;

/**
 * What the benchmarks share: the three implementations they compare and random inputs.
 *
 * <p>{@code naive} is the scalar reference backend (one thread); {@code simd} the Vector API backend on one
 * thread; {@code simd-threads} the same on every core.
 */
final class KernelState {
    private KernelState() {}

    static final String NAIVE = "naive", SIMD = "simd", SIMD_THREADS = "simd-threads";

    /** The backend for {@code impl}, with the pool sized to match. */
    static Backend backend(String impl) {
        switch (impl) {
            case NAIVE -> {
                Parallel.setThreads(1);
                return Backends.createCpu(false);
            }
            case SIMD -> {
                Parallel.setThreads(1);
                return Backends.createCpu(true);
            }
            case SIMD_THREADS -> {
                Parallel.setThreads(Runtime.getRuntime().availableProcessors());
                return Backends.createCpu(true);
            }
            default -> throw new IllegalArgumentException("impl must be naive, simd or simd-threads, got " + impl);
        }
    }

    static Storage random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return Storage.wrap(v);
    }

    static Storage zeros(int n) {
        return Storage.allocate(DType.FLOAT32, n);
    }
}
