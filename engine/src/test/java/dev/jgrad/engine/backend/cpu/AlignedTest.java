package dev.jgrad.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlignedTest {
    @Test
    void firstAlignedElementFollowsTheHeaderSize() {
        assertEquals(12, Aligned.firstAligned(16, 64)); // 16-byte header, 512-bit vectors: 16 + 12·4 = 64
        assertEquals(4, Aligned.firstAligned(16, 32));  // 256-bit
        assertEquals(0, Aligned.firstAligned(16, 16));  // 128-bit: already aligned
        assertEquals(13, Aligned.firstAligned(12, 64)); // compact headers (12 bytes)
        assertEquals(11, Aligned.firstAligned(20, 64));
        assertEquals(0, Aligned.firstAligned(18, 64));  // no float lands on the boundary: start at 0
    }

    @Test
    void scratchHoldsTheRequestedFloatsAfterTheAlignedStart() {
        float[] a = Aligned.floats(1000);
        assertTrue(a.length >= Aligned.FIRST + 1000);
        assertTrue(Aligned.FIRST >= 0 && Aligned.FIRST < VectorBackend.SPECIES.length());
    }
}
