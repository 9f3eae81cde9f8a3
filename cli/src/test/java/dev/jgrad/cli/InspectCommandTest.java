package dev.jgrad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class InspectCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = new CommandLine(new InspectCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path sample() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("encoder.layer.0.attention.self.query.weight", Tensor.zeros(4, 3));
        t.put("encoder.layer.0.attention.self.query.bias", Tensor.zeros(4));
        t.put("input_ids", Tensor.fromArray(new long[] {1, 2}));
        Path p = dir.resolve("model.safetensors");
        SafeTensors.write(p, t, Map.of("format", "pt"), SafeTensors.FloatFormat.BF16);
        return p;
    }

    @Test
    void json() throws Exception {
        Result r = run(sample().toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(3, doc.get("tensors").size());
        JsonNode first = doc.get("tensors").get(0);
        assertEquals("encoder.layer.0.attention.self.query.weight", first.get("name").asText());
        assertEquals("BF16", first.get("dtype").asText());
        assertEquals("[4,3]", first.get("shape").toString());
        assertEquals("I64", doc.get("tensors").get(2).get("dtype").asText());
        assertEquals(12 + 4 + 2, doc.get("parameters").asLong());
        assertEquals("{\"format\":\"pt\"}", doc.get("metadata").toString());
    }

    @Test
    void text() throws Exception {
        Result r = run(sample().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().matches("encoder\\.layer\\.0\\.attention\\.self\\.query\\.bias +BF16 +\\[4]")), r.out());
        assertTrue(r.out().contains("3 tensors, 18 parameters"), r.out());
        assertTrue(r.out().contains("metadata:\n  format: pt") || r.out().contains("metadata:" + System.lineSeparator() + "  format: pt"), r.out());
    }

    @Test
    void malformedFileFailsClearly() throws Exception {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        Result r = run(bad.toString(), "--json");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals("jgrad inspect: " + bad + ": truncated file: 3 bytes, too short for the 8-byte header size", r.err().strip());

        Path missing = dir.resolve("missing.safetensors");
        Result m = run(missing.toString());
        assertEquals(1, m.code());
        assertTrue(m.err().startsWith("jgrad inspect: " + missing + ": cannot open"), m.err());
    }

    @Test
    void usageErrors() {
        Result r = run();
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("Missing required parameter: 'FILE'"), r.err());
    }
}
