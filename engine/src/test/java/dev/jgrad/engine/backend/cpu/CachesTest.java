package dev.jgrad.engine.backend.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CachesTest {
    @Test
    void sysfsSizesParse() {
        assertEquals(32L * 1024, Caches.parseSize("32K"));
        assertEquals(48L * 1024, Caches.parseSize("48K\n"));
        assertEquals(1L << 20, Caches.parseSize("1M"));
        assertEquals(4096L, Caches.parseSize("4096"));
    }
}
