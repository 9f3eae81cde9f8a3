package dev.jgrad.benchmarks;

import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Gemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * C = A·B for square n, and the two transposed forms backward uses (Aᵀ·B, A·Bᵀ), read through strides.
 * Time per call; GFLOP/s = 2n³ / time. The naive kernel at n = 1024 takes seconds per call: pick sizes with
 * {@code -p n=256}. Subclasses rerun the same methods with a forced vector width.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {
    @Param({"256", "512", "1024"})
    public int n;

    @Param({KernelState.NAIVE, KernelState.SIMD, KernelState.SIMD_THREADS})
    public String impl;

    private Backend backend;
    private Gemm ab, atb, abt;

    @Setup
    public void setup() {
        backend = KernelState.backend(impl);
        Storage a = KernelState.random(n * n, 1), b = KernelState.random(n * n, 2), c = KernelState.zeros(n * n);
        ab = new Gemm(1, n, n, n, a, 0, 0, n, 1, b, 0, 0, n, 1, c, 0, 0, n, false);
        atb = new Gemm(1, n, n, n, a, 0, 0, 1, n, b, 0, 0, n, 1, c, 0, 0, n, false);
        abt = new Gemm(1, n, n, n, a, 0, 0, n, 1, b, 0, 0, 1, n, c, 0, 0, n, false);
    }

    @Benchmark
    public Object ab() {
        backend.gemm(ab);
        return ab.c();
    }

    @Benchmark
    public Object atB() {
        backend.gemm(atb);
        return atb.c();
    }

    @Benchmark
    public Object aBt() {
        backend.gemm(abt);
        return abt.c();
    }

    /** The same benchmarks with 256-bit vectors (8 lanes, as on AVX2 machines). */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djgrad.vector.bits=256"})
    public static class Bits256 extends GemmBench {}

    /** The same benchmarks with 128-bit vectors (4 lanes). */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djgrad.vector.bits=128"})
    public static class Bits128 extends GemmBench {}
}
