package dev.jgrad.engine.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed PTX must be built from the committed CUDA sources: tools/cuda/build-ptx.sh records the SHA-256
 * of every source and PTX in ptx-manifest.txt, and this test fails, naming the stale file, when a .cu or .cuh
 * changed without rerunning the script. Needs no GPU.
 */
class PtxManifestTest {
    private static final Path SOURCES = Path.of("src/main/cuda");

    private static Map<String, String> manifest(String kind) throws IOException {
        Map<String, String> m = new HashMap<>();
        try (InputStream in = CudaDevice.class.getResourceAsStream("ptx-manifest.txt")) {
            assertNotNull(in, "ptx-manifest.txt is missing: run tools/cuda/build-ptx.sh");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[0].equals(kind)) m.put(f[1], f[2]);
            }
        }
        return m;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everySourceMatchesTheManifest() throws IOException {
        // The GPU bundle ships compiled tests without sources; there the jar's PTX is what it is.
        assumeTrue(Files.isDirectory(SOURCES), "CUDA sources not present (running from a bundle)");
        Map<String, String> recorded = manifest("src");
        List<String> stale = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "no CUDA sources under " + SOURCES.toAbsolutePath());
        for (Path p : files) {
            String name = p.getFileName().toString();
            String want = recorded.get(name);
            if (want == null) stale.add(name + " (new, not in the manifest)");
            else if (!want.equals(sha256(Files.readAllBytes(p)))) stale.add(name + " (changed)");
            if (name.endsWith(".cu")) {
                String ptx = name.replace(".cu", ".ptx");
                if (CudaDevice.class.getResource(ptx) == null) stale.add(name + " (no " + ptx + ")");
            }
        }
        assertTrue(stale.isEmpty(), "PTX is stale for " + stale + ": run tools/cuda/build-ptx.sh and commit the result");
    }

    @Test
    void everyPtxMatchesTheManifest() throws IOException {
        Map<String, String> recorded = manifest("ptx");
        assertTrue(!recorded.isEmpty(), "the manifest lists no PTX");
        for (Map.Entry<String, String> e : recorded.entrySet()) {
            try (InputStream in = CudaDevice.class.getResourceAsStream(e.getKey())) {
                assertNotNull(in, e.getKey() + " is missing: run tools/cuda/build-ptx.sh");
                assertTrue(e.getValue().equals(sha256(in.readAllBytes())),
                        e.getKey() + " was changed by hand or not rebuilt with the manifest: run tools/cuda/build-ptx.sh");
            }
        }
    }
}
