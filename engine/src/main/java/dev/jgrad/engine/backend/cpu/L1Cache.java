package dev.jgrad.engine.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The size of one core's L1 data cache, which decides GEMM's blocking ({@link VecGemm#PANELS_FIT_L1}). Taken from
 * {@code -Djgrad.l1d.kb=N} when given, else from Linux's sysfs (the level-1 data cache of cpu0), else 32 KB:
 * the smallest L1d of current x86 server cores, so blocks sized from the default never assume a cache that is
 * not there. {@code jgrad info} prints the size and where it came from.
 */
final class L1Cache {
    private L1Cache() {}

    private static final int DEFAULT_KB = 32;
    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /** Bytes of L1 data cache per core. */
    static final int BYTES;
    /** Where {@link #BYTES} came from: the property, sysfs, or the default. */
    static final String SOURCE;

    static {
        String property = System.getProperty("jgrad.l1d.kb");
        Integer sysfs = fromSysfs();
        BYTES = property != null ? parseKb(property) * 1024 : sysfs != null ? sysfs : DEFAULT_KB * 1024;
        SOURCE = property != null ? "-Djgrad.l1d.kb" : sysfs != null ? "sysfs" : "default, sysfs unreadable";
    }

    private static int parseKb(String value) {
        try {
            int kb = Integer.parseInt(value.trim());
            if (kb > 0 && kb <= 1 << 20) return kb;
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("jgrad.l1d.kb must be a positive whole number of KB, got '" + value + "'");
    }

    /** The level-1 data cache's size from sysfs ("48K"), or null where there is none to read (not Linux, a container). */
    private static Integer fromSysfs() {
        try (var dirs = Files.list(SYSFS)) {
            for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                if (read(dir, "level").equals("1") && read(dir, "type").equals("Data")) return parseSize(read(dir, "size"));
            }
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or unexpected: the caller falls back to the default
        }
        return null;
    }

    private static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file)).trim();
    }

    /** "32K" → 32768, "1M" → 1048576, a plain number of bytes as is. */
    static int parseSize(String size) {
        String s = size.trim().toUpperCase(Locale.ROOT);
        int unit = s.endsWith("K") ? 1024 : s.endsWith("M") ? 1024 * 1024 : 1;
        if (unit != 1) s = s.substring(0, s.length() - 1);
        return Integer.parseInt(s) * unit;
    }
}
