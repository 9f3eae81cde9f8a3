package dev.jgrad.engine.backend;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.cpu.ScalarBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ProfilingBackendTest {
    @Test
    void timesEachCallByKernelAndShapeAndChangesNoResult() {
        Backend inner = new ScalarBackend();
        ProfilingBackend prof = new ProfilingBackend(inner);
        float[] a = {1, 2, 3, 4, 5, 6}, b = {1, 0, 0, 1, 1, 1};       // A [2, 3], B [3, 2]
        Storage c = prof.allocate(DType.FLOAT32, 4), ref = Storage.allocate(DType.FLOAT32, 4);
        Gemm g = new Gemm(1, 2, 2, 3, Storage.wrap(a), 0, 0, 3, 1, Storage.wrap(b), 0, 0, 2, 1, c, 0, 0, 2, false);
        prof.gemm(g);
        prof.gemm(g);
        inner.gemm(new Gemm(1, 2, 2, 3, Storage.wrap(a), 0, 0, 3, 1, Storage.wrap(b), 0, 0, 2, 1, ref, 0, 0, 2, false));
        assertArrayEquals(ref.floats(), c.floats());
        prof.softmax(false, c, 2, 2, Storage.allocate(DType.FLOAT32, 4));

        List<ProfilingBackend.Entry> e = prof.entries();
        ProfilingBackend.Entry gemm = e.stream().filter(x -> x.kernel().startsWith("gemm")).findFirst().orElseThrow();
        assertEquals("gemm 2×2×3 A·B", gemm.kernel());
        assertEquals(2, gemm.calls());
        assertEquals(2 * 2.0 * 2 * 2 * 3, gemm.flops());
        assertEquals(1, e.stream().filter(x -> x.kernel().equals("softmax 2×2")).count());
        assertEquals(1, e.stream().filter(x -> x.kernel().equals("allocate FLOAT32")).mapToLong(ProfilingBackend.Entry::calls).sum());
        prof.reset();
        assertEquals(0, prof.entries().size());
        assertSame(inner, ProfilingBackend.unwrap(new ProfilingBackend(prof)));
    }

    @Test
    void gemmKeysNameTransposesBatchesAndEpilogues() {
        Storage s = Storage.allocate(DType.FLOAT32, 64);
        // A read transposed (unit row stride), B transposed, 3 matrices, bias and GELU after the sum
        Gemm g = new Gemm(3, 2, 4, 5, s, 0, 0, 1, 2, s, 0, 0, 1, 5, s, 0, 0, 4, true).withEpilogue(s, UnaryOp.GELU_ERF);
        assertEquals("gemm 3×[2×4×5] Aᵀ·Bᵀ += +bias,GELU_ERF", ProfilingBackend.gemmKey(g));
    }
}
