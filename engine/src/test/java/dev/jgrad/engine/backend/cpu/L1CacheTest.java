package dev.jgrad.engine.backend.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class L1CacheTest {
    @Test
    void sysfsSizesParse() {
        assertEquals(32 * 1024, L1Cache.parseSize("32K"));
        assertEquals(48 * 1024, L1Cache.parseSize("48K\n"));
        assertEquals(1 << 20, L1Cache.parseSize("1M"));
        assertEquals(4096, L1Cache.parseSize("4096"));
    }
}
