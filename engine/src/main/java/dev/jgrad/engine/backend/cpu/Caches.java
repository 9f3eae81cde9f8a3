package dev.jgrad.engine.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The cache sizes that kernels choose their shape by: one core's L1 data cache (GEMM's blocking,
 * {@link VecGemm#PANELS_FIT_L1}; softmax's finishing lag) and the last-level cache (softmax's form,
 * {@link VecRows#fromMemory}). Each is taken from a property when given ({@code -Djgrad.l1d.kb=N},
 * {@code -Djgrad.l3.mb=N}), else from Linux's sysfs (the caches of cpu0), else a default: 32 KB and 32 MB,
 * the smallest L1d and the L3 of one chiplet of current x86 server parts. {@code jgrad info} prints the sizes
 * and where they came from.
 */
final class Caches {
    private Caches() {}

    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /** Bytes of L1 data cache per core. */
    static final int L1D_BYTES;
    /** Where {@link #L1D_BYTES} came from: the property, sysfs, or the default. */
    static final String L1D_SOURCE;
    /** Bytes of level-3 cache that cpu0 shares with its neighbours (and, in a VM, with other tenants). */
    static final long L3_BYTES;
    /** Where {@link #L3_BYTES} came from. */
    static final String L3_SOURCE;

    static {
        String l1Property = System.getProperty("jgrad.l1d.kb");
        Long l1Sysfs = fromSysfs("1", "Data");
        L1D_BYTES = (int) (l1Property != null ? parse("jgrad.l1d.kb", l1Property, "KB") * 1024
                : l1Sysfs != null ? l1Sysfs : 32 * 1024);
        L1D_SOURCE = source("-Djgrad.l1d.kb", l1Property, l1Sysfs);
        String l3Property = System.getProperty("jgrad.l3.mb");
        Long l3Sysfs = fromSysfs("3", "Unified");
        L3_BYTES = l3Property != null ? parse("jgrad.l3.mb", l3Property, "MB") << 20 : l3Sysfs != null ? l3Sysfs : 32L << 20;
        L3_SOURCE = source("-Djgrad.l3.mb", l3Property, l3Sysfs);
    }

    private static String source(String flag, String property, Long sysfs) {
        return property != null ? flag : sysfs != null ? "sysfs" : "default, sysfs unreadable";
    }

    private static long parse(String key, String value, String unit) {
        try {
            long n = Long.parseLong(value.trim());
            if (n > 0 && n <= 1 << 20) return n;
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(key + " must be a positive whole number of " + unit + ", got '" + value + "'");
    }

    /** The size from sysfs ("48K") of cpu0's cache of this level and type, or null where there is none to read. */
    private static Long fromSysfs(String level, String type) {
        try (var dirs = Files.list(SYSFS)) {
            for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                if (read(dir, "level").equals(level) && read(dir, "type").equals(type)) return parseSize(read(dir, "size"));
            }
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or unexpected (not Linux, a container): the caller falls back to the default
        }
        return null;
    }

    private static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file)).trim();
    }

    /** "32K" → 32768, "1M" → 1048576, a plain number of bytes as is. */
    static long parseSize(String size) {
        String s = size.trim().toUpperCase(Locale.ROOT);
        long unit = s.endsWith("K") ? 1024 : s.endsWith("M") ? 1024 * 1024 : 1;
        if (unit != 1) s = s.substring(0, s.length() - 1);
        return Long.parseLong(s) * unit;
    }
}
