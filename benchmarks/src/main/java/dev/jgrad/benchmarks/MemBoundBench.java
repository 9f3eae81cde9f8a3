package dev.jgrad.benchmarks;

import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.UnaryOp;
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
 * The memory-bound kernels at the sizes of the PyTorch anchors (shared/anchors/w5_membound.py): softmax of
 * 4096×1024, LayerNorm of 4096×768, GELU (erf) on 16M floats, a 256 MB copy, plus the backward passes and a
 * fused AdamW step on 16M parameters. GB/s = bytes in + out / time (8 bytes per element for the forward
 * kernels, as the anchors count).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class MemBoundBench {
    @Param({KernelState.NAIVE, KernelState.SIMD, KernelState.SIMD_THREADS})
    public String impl;

    private static final int SR = 4096, SC = 1024, LR = 4096, LC = 768, G = 16 << 20, COPY = 64 << 20;
    private Backend be;
    private Storage sx, sy, sdy, sdx, lx, ly, lw, lb, lmean, lrstd, ldx, ldw, ldb, gx, gy, cx, cy, p, m, v;

    @Setup
    public void setup() {
        be = KernelState.backend(impl);
        sx = KernelState.random(SR * SC, 1); sy = KernelState.zeros(SR * SC);
        sdy = KernelState.random(SR * SC, 2); sdx = KernelState.zeros(SR * SC);
        lx = KernelState.random(LR * LC, 3); ly = KernelState.zeros(LR * LC);
        lw = KernelState.random(LC, 4); lb = KernelState.random(LC, 5);
        lmean = KernelState.zeros(LR); lrstd = KernelState.zeros(LR);
        ldx = KernelState.zeros(LR * LC); ldw = KernelState.zeros(LC); ldb = KernelState.zeros(LC);
        gx = KernelState.random(G, 6); gy = KernelState.zeros(G);
        cx = KernelState.random(COPY, 7); cy = KernelState.zeros(COPY);
        p = KernelState.random(G, 8); m = KernelState.zeros(G); v = KernelState.zeros(G);
        be.softmax(false, sx, SR, SC, sy);
        be.layerNorm(lx, lw, lb, LR, LC, 1e-5f, ly, lmean, lrstd);
    }

    @Benchmark
    public Object softmax() {
        be.softmax(false, sx, SR, SC, sy);
        return sy;
    }

    @Benchmark
    public Object softmaxBackward() {
        be.softmaxBackward(false, sy, sdy, SR, SC, sdx);
        return sdx;
    }

    @Benchmark
    public Object layerNorm() {
        be.layerNorm(lx, lw, lb, LR, LC, 1e-5f, ly, lmean, lrstd);
        return ly;
    }

    @Benchmark
    public Object layerNormBackward() {
        be.layerNormBackward(lx, lw, lmean, lrstd, ly, LR, LC, ldx, ldw, ldb);
        return ldx;
    }

    @Benchmark
    public Object geluErf() {
        be.unary(UnaryOp.GELU_ERF, 0f, 0f, gx, Layout.contiguous(new int[] {G}), gy);
        return gy;
    }

    @Benchmark
    public Object copy256MB() {
        Layout l = Layout.contiguous(new int[] {COPY});
        be.copy(cx, l, cy, l);
        return cy;
    }

    @Benchmark
    public Object adamw() {
        be.adamw(p, gx, m, v, G, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.1f, 0.001f);
        return p;
    }

    /** The same kernels with 256-bit vectors (8 lanes, as on AVX2 machines). */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-Djgrad.vector.bits=256"})
    public static class Bits256 extends MemBoundBench {}
}
