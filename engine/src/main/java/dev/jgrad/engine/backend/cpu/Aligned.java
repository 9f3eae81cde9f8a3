package dev.jgrad.engine.backend.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Scratch arrays whose vectors sit on vector-sized boundaries in memory, for the buffers a kernel owns (GEMM's
 * packed B panel).
 *
 * <p>Why it matters. A 512-bit vector is a whole 64-byte cache line; loaded or stored at any other address it
 * touches two lines. With the packed B panel on 64-byte boundaries, {@code jgrad bench gemm} ran 2–7% faster
 * (n = 512–2048, one and two threads, interleaved runs: e.g. n = 1024, one thread, 138.6–140.3 → 143.9–147.6
 * GFLOP/s). A softmax with every row shifted onto lines ran 15–17% faster than on the arrays' natural offsets,
 * but a kernel over the user's arrays cannot pick where rows start, and the two ways we tried of starting its
 * loops on lines anyway cost about what they saved (RESULTS.md).
 *
 * <p>How. A Java array's elements start after its header ({@code sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET}, 16
 * bytes on 64-bit HotSpot), and objects are placed on 8-byte boundaries, so an ordinary array's alignment is
 * unknown. But G1, the default collector, starts every humongous object (at least half a heap region: 0.5–16
 * MB, by heap size) at the start of a region. So {@link #floats} allocates at least that much, and
 * {@link #FIRST} is the index of its first element on a vector boundary. Under another collector the array
 * is an ordinary one and the offset a guess, which costs nothing: results never depend on it.
 */
final class Aligned {
    private Aligned() {}

    /** The first element on a vector boundary of an array that starts on one (12 for 512-bit vectors). */
    static final int FIRST = firstAligned(arrayFloatBaseOffset(), VectorBackend.SPECIES.vectorByteSize());

    /** Floats that make an array humongous under G1 (half a region), or 0 when G1 is not the collector. */
    private static final int HUMONGOUS_FLOATS = humongousFloats();

    /** The most an array is padded to become humongous: 2 MB, half the region of heaps up to 8 GB. */
    private static final int MAX_PADDED_FLOATS = (2 << 20) / Float.BYTES + 1;

    /**
     * A zeroed array that holds n floats from index {@link #FIRST} on, allocated large enough to start on a
     * region boundary (see the class comment), unless that would take more than 2 MB: with the larger regions
     * of larger heaps the padding is not worth its memory (one such buffer per thread), and the array is then
     * an ordinary one.
     */
    static float[] floats(int n) {
        int humongous = HUMONGOUS_FLOATS <= MAX_PADDED_FLOATS ? HUMONGOUS_FLOATS : 0;
        return new float[Math.max(FIRST + n, humongous)];
    }

    static int firstAligned(int baseOffset, int vectorBytes) {
        int bytes = Math.floorMod(-baseOffset, vectorBytes);
        return bytes % Float.BYTES == 0 ? bytes / Float.BYTES : 0;
    }

    /** The array header's size in bytes; 16 (64-bit HotSpot's) if the JVM does not say. */
    private static int arrayFloatBaseOffset() {
        try { // a field read by reflection: no compile-time use of the unsupported class, no memory access
            return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 16;
        }
    }

    private static int humongousFloats() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) return 0;
            long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
            return (int) Math.min(Integer.MAX_VALUE - 64, region / 2 / Float.BYTES + 1);
        } catch (RuntimeException | LinkageError e) { // not HotSpot, or no management module
            return 0;
        }
    }
}
