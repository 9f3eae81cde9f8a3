package dev.jgrad.nn.io;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Linear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every malformed-file case fails at open with a message naming the file and the problem. */
class MalformedSafeTensorsTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** 8-byte size + header text + data bytes. */
    private static byte[] raw(long headerSize, String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerSize).put(h);
        return b.array();
    }

    private static byte[] withHeader(String header, int dataBytes) {
        return raw(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private void assertRejected(String name, byte[] bytes, String... fragments) throws Exception {
        Path p = file(name, bytes);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
    }

    @Test
    void truncatedFile() throws Exception {
        assertRejected("tiny.safetensors", new byte[] {1, 2, 3, 4, 5}, "truncated file: 5 bytes, too short for the 8-byte header size");
        assertRejected("empty.safetensors", new byte[0], "truncated file: 0 bytes");
    }

    @Test
    void truncatedData() throws Exception {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, Map.of("w", Tensor.ones(4, 4)), Map.of());
        byte[] all = Files.readAllBytes(good);
        assertRejected("cut.safetensors", Arrays.copyOf(all, all.length - 10),
                "tensor 'w': data_offsets [0, 64] run past the end of the file (data area is 54 bytes)");
        assertRejected("cutheader.safetensors", Arrays.copyOf(all, 20), "runs past the end of the file (20 bytes)");
    }

    @Test
    void headerSizePastEndOfFile() throws Exception {
        assertRejected("past.safetensors", raw(1000, "{}", 0), "header size 1000 runs past the end of the file (10 bytes)");
    }

    @Test
    void headerSizeAbsurdlyLarge() throws Exception {
        // Must fail before allocating anything of that size: no OutOfMemoryError.
        assertRejected("huge.safetensors", raw(1L << 40, "{}", 0), "header size 1099511627776 bytes is absurdly large");
        assertRejected("neg.safetensors", raw(-1L, "{}", 0), "header size 18446744073709551615 bytes is absurdly large");
    }

    @Test
    void invalidJson() throws Exception {
        assertRejected("json.safetensors", withHeader("{\"w\": {\"dtype\": \"F32\",", 0), "invalid JSON header");
        assertRejected("notobj.safetensors", withHeader("[1, 2]  ", 0), "invalid JSON header: expected an object, got ARRAY");
        assertRejected("trailing.safetensors", withHeader("{} {}", 0), "invalid JSON header");
        assertRejected("dup.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "invalid JSON header", "Duplicate field 'a'");
        assertRejected("noshape.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': missing or non-array \"shape\"");
        assertRejected("badoff.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
                "tensor 'a': \"data_offsets\" must be [begin, end]");
        assertRejected("meta.safetensors", withHeader("{\"__metadata__\":{\"k\":1}}", 0),
                "__metadata__ value for 'k' must be a string");
    }

    @Test
    void overlappingOffsets() throws Exception {
        assertRejected("overlap.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "tensors 'a' and 'b' overlap (bytes 4..8)");
    }

    @Test
    void gapBetweenTensors() throws Exception {
        assertRejected("gap.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "gap of 4 bytes before tensor 'b'");
        assertRejected("lead.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "gap of 4 bytes before tensor 'a'");
        assertRejected("tail.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9),
                "5 bytes after the last tensor are not described by the header");
    }

    @Test
    void offsetsPastEnd() throws Exception {
        assertRejected("end.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                "tensor 'a': data_offsets [0, 16] run past the end of the file (data area is 8 bytes)");
        assertRejected("backwards.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8),
                "tensor 'a': data_offsets [8,0] are not 0 ≤ begin ≤ end");
    }

    @Test
    void shapeDisagreesWithByteLength() throws Exception {
        assertRejected("shape.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16),
                "tensor 'a': shape [2, 3] of F32 needs 24 bytes but data_offsets [0,16] span 16");
        assertRejected("overflow.safetensors", withHeader("{\"a\":{\"dtype\":\"I64\",\"shape\":[2147483647,2147483647,2147483647],"
                + "\"data_offsets\":[0,8]}}", 8), "needs more than 2^63 bytes");
        assertRejected("negdim.safetensors", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': shape [-1] has an invalid dimension -1");
    }

    @Test
    void unknownDtype() throws Exception {
        assertRejected("dtype.safetensors", withHeader("{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': unknown dtype 'F33'");
        assertRejected("f64.safetensors", withHeader("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8),
                "tensor 'a': dtype F64 is not supported by jgrad");
    }

    @Test
    void badFileLeavesModuleUntouched() throws Exception {
        Linear lin = new Linear(2, 2, new Generator(1));
        float[] before = lin.weight.toFloatArray();
        // The weight is fine; the bias entry is malformed, so nothing may be loaded.
        Path p = file("partial.safetensors", withHeader("{\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,24]}}", 24));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.loadInto(lin, p, true));
        assertTrue(e.getMessage().contains("tensor 'bias': shape [3] of F32 needs 12 bytes"), e.getMessage());
        assertArrayEquals(before, lin.weight.toFloatArray());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.safetensors");
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(p));
        assertTrue(e.getMessage().startsWith(p + ": cannot open"), e.getMessage());
    }
}
