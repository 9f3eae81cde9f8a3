package dev.jgrad.engine;

import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.cpu.Parallel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this process computes with: version, JVM, CPU backend and vector width, GEMM tile and blocking, the cache
 * sizes kernels choose by, threads,
 * the gradient buffer pool ({@link StoragePool}; {@code poolMb} 0 when off), CUDA. This is what
 * {@code jgrad info} prints, and what benchmark results record next to their numbers.
 */
public record SystemInfo(String jgradVersion, String javaVersion, String javaVendor, String cpuBackend,
                      String vectorSpecies, int vectorBits, int floatLanes, String gemmTile, String gemmBlocking,
                      String caches, int threads, long poolMb, boolean cudaAvailable, String cudaReason) {

    /** Describes the current process. Creating the CPU backend here makes a missing Vector API fail loudly. */
    public static SystemInfo current() {
        Backend cpu = Backends.cpu();
        String species = "scalar", tile = "none (naive triple loop)", blocking = "none", caches = "unused (scalar backend)";
        int bits = 0, lanes = 1;
        if (cpu.name().equals("cpu-vector")) {
            var s = dev.jgrad.engine.backend.cpu.VectorBackend.species();
            species = s.toString();
            bits = s.vectorBitSize();
            lanes = s.length();
            tile = dev.jgrad.engine.backend.cpu.VectorBackend.gemmTile();
            blocking = dev.jgrad.engine.backend.cpu.VectorBackend.gemmBlocking();
            caches = dev.jgrad.engine.backend.cpu.VectorBackend.caches();
        }
        return new SystemInfo(version(), System.getProperty("java.version"), System.getProperty("java.vendor"),
                cpu.name(), species, bits, lanes, tile, blocking, caches, Parallel.threads(), StoragePool.capacityBytes() >> 20, Device.cudaAvailable(), Device.cudaUnavailableReason());
    }

    /** The jgrad version baked in at build time. */
    public static String version() {
        try (InputStream in = SystemInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
