package dev.jgrad.nn.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jgrad.nn.Fixtures.json;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Interop with the Python {@code safetensors} package, both ways, without Python at test time: a file it
 * wrote (every dtype) must load with the recorded values, and the files jgrad writes must equal, byte for
 * byte, the committed ones that tools/fixtures/nn_safetensors.py verified in Python.
 * Run with {@code -Djgrad.regenerateFixtures=true} to rewrite the committed jgrad files.
 */
class SafeTensorsInteropTest {
    static Path resource(String name) throws Exception {
        return Path.of(SafeTensorsInteropTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void readsWhatPythonWrote() throws Exception {
        JsonNode exp = json("py_all_dtypes.json");
        try (SafeTensorsFile f = SafeTensors.open(resource("py_all_dtypes.safetensors"))) {
            assertEquals(Map.of("format", "pt", "producer", "tools/fixtures/nn_safetensors.py"), f.metadata());
            assertEquals(exp.get("tensors").size(), f.entries().size());
            long params = 0;
            for (var e : exp.get("tensors").properties()) {
                Tensor t = f.tensor(e.getKey());
                JsonNode want = e.getValue();
                int[] shape = new int[want.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = want.get("shape").get(i).asInt();
                assertArrayEquals(shape, t.shape(), e.getKey());
                params += t.numel();
                String torchDtype = want.get("dtype").asText();
                DType expected = switch (torchDtype) {
                    case "float32", "float16", "bfloat16" -> DType.FLOAT32;
                    case "int8" -> DType.INT8;
                    case "uint8", "int32" -> DType.INT32;
                    case "int64" -> DType.INT64;
                    case "bool" -> DType.BOOL;
                    default -> throw new AssertionError(torchDtype);
                };
                assertEquals(expected, t.dtype(), e.getKey());
                JsonNode data = want.get("data");
                if (expected == DType.FLOAT32) {
                    float[] v = t.toFloatArray();
                    for (int i = 0; i < v.length; i++) {
                        assertEquals(Float.floatToIntBits((float) data.get(i).asDouble()), Float.floatToIntBits(v[i]), e.getKey() + "[" + i + "]");
                    }
                } else {
                    long[] v = t.toLongArray();
                    for (int i = 0; i < v.length; i++) {
                        long w = data.get(i).isBoolean() ? (data.get(i).asBoolean() ? 1 : 0) : data.get(i).asLong();
                        assertEquals(w, v[i], e.getKey() + "[" + i + "]");
                    }
                }
            }
            assertEquals(params, f.parameterCount());
            assertEquals(-0.0f, f.tensor("f16").get(1));
            assertEquals(1 / 8f, f.tensor("encoder.layer.0.attention.self.query.weight").get(0, 1));
        }
    }

    /** Mirrors jgrad_tensors() in tools/fixtures/nn_safetensors.py. */
    static Map<String, Tensor> jgradTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", Tensor.arange(6).reshape(2, 3).mul(0.5f).sub(1f));
        m.put("special", Tensor.fromArray(new float[] {0.1f, -2.5f, 65504f, 1e-7f, 1 / 3f, -0.0f, 70000f, 3.0e38f}));
        m.put("ids", Tensor.fromArray(new long[] {-3, 0, 1L << 40}));
        m.put("counts", Tensor.fromArray(new int[] {1, -2, 3, Integer.MAX_VALUE}, 2, 2));
        m.put("q", Tensor.wrap(Storage.wrap(new byte[] {-128, 0, 127}, DType.INT8), 3));
        m.put("mask", Tensor.wrap(Storage.wrap(new byte[] {1, 0, 1}, DType.BOOL), 3));
        return m;
    }

    @Test
    void writesWhatPythonReads(@TempDir Path dir) throws Exception {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("producer", "jgrad");
        meta.put("note", "interop fixture");
        boolean regenerate = Boolean.getBoolean("jgrad.regenerateFixtures");
        for (var fmt : SafeTensors.FloatFormat.values()) {
            String name = "jgrad_written" + (fmt == SafeTensors.FloatFormat.F32 ? "" : "_" + fmt.name().toLowerCase()) + ".safetensors";
            Path out = dir.resolve(name);
            SafeTensors.write(out, jgradTensors(), meta, fmt);
            if (regenerate) Files.copy(out, Path.of("src/test/resources/fixtures", name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (!regenerate) {
                assertArrayEquals(Files.readAllBytes(resource(name)), Files.readAllBytes(out), name + " differs from the committed, Python-verified file");
            }
            assertEquals(0, (Files.size(out) - 8 - dataBytes(fmt)) % 8, "header padded to 8 bytes");
        }
        // No temporary files are left behind by the atomic write.
        assertEquals(3, Files.list(dir).count());
    }

    private static long dataBytes(SafeTensors.FloatFormat fmt) {
        int fb = fmt == SafeTensors.FloatFormat.F32 ? 4 : 2;
        return 14L * fb + 3 * 8 + 4 * 4 + 3 + 3;
    }

    @Test
    void roundTripsEveryDtypeExactly(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("m.safetensors");
        Map<String, Tensor> src = jgradTensors();
        src.put("strided", Tensor.arange(12).reshape(3, 4).mT());  // non-contiguous view: written row-major
        src.put("scalar", Tensor.scalar(2.5f));
        src.put("empty", Tensor.zeros(0, 4));
        SafeTensors.write(p, src, Map.of());
        Map<String, Tensor> back = SafeTensors.load(p);
        assertEquals(List.copyOf(src.keySet()), List.copyOf(back.keySet()));
        for (var e : src.entrySet()) {
            Tensor b = back.get(e.getKey());
            assertEquals(e.getValue().dtype(), b.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), b.shape(), e.getKey());
            assertArrayEquals(e.getValue().toFloatArray(), b.toFloatArray(), e.getKey());
            assertArrayEquals(e.getValue().toLongArray(), b.toLongArray(), e.getKey());
        }
        try (var f = SafeTensors.open(p)) {
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void halfConversionsRoundToNearestEven() {
        // Every half value widens and narrows back to itself.
        for (int h = 0; h < 0x10000; h++) {
            float f = SafeDType.halfToFloat((short) h);
            if (Float.isNaN(f)) continue;
            assertEquals((short) h, SafeDType.floatToHalf(f), "half bits " + Integer.toHexString(h));
        }
        assertEquals(0x3c00, SafeDType.floatToHalf(1.0f + 0x1p-11f));          // tie rounds to even (down)
        assertEquals(0x3c02, SafeDType.floatToHalf(1.0f + 3 * 0x1p-11f));      // tie rounds to even (up)
        assertEquals((short) 0x7c00, SafeDType.floatToHalf(70000f));            // overflow → inf
        assertEquals((short) 0x3f80, SafeDType.floatToBf16(1.0f));
        assertEquals((short) 0x3f80, SafeDType.floatToBf16(Float.intBitsToFloat(0x3f808000))); // tie → even
        assertEquals((short) 0x3f82, SafeDType.floatToBf16(Float.intBitsToFloat(0x3f818000)));
    }
}
