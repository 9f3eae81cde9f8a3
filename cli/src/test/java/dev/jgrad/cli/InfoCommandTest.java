package dev.jgrad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jgrad info --json}: one object naming the backend, the vector width and the GEMM tile built from it. */
class InfoCommandTest {
    @Test
    void jsonNamesTheBackendAndAGemmTileSizedFromTheVectorWidth() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            code = new CommandLine(new InfoCommand()).execute("--json");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        JsonNode j = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertEquals("cpu-vector", j.get("cpuBackend").asText());
        int lanes = j.get("floatLanes").asInt(), bits = j.get("vectorBits").asInt();
        assertEquals(32 * lanes, bits);
        // 6 rows × 4 vectors with 512-bit vectors (32 registers on AVX-512), 6 × 2 below (16 on AVX2)
        int vectors = bits >= 512 ? 4 : 2;
        assertEquals("6x" + vectors * lanes + " (6 rows x " + vectors + " vectors of " + lanes + " floats)", j.get("gemmTile").asText());
        // the blocking goes with the L1 size: a shallow block with four A panels, or a deep one with one
        assertTrue(j.get("gemmBlocking").asText().matches("KC=128, 4 A panels per B panel sweep \\(L1d \\d+ KB, .+\\)"
                + "|KC=256, 1 A panel per B panel sweep \\(L1d \\d+ KB, .+\\)"), j.get("gemmBlocking").asText());
        assertTrue(j.get("caches").asText().matches("L1d \\d+ KB \\(.+\\), L3 \\d+ MB \\(.+\\)"), j.get("caches").asText());
        assertTrue(j.get("threads").asInt() >= 1);
        assertEquals(dev.jgrad.engine.StoragePool.capacityBytes() >> 20, j.get("poolMb").asLong());
    }
}
