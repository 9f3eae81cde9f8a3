package dev.jgrad.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jgrad.engine.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the JSON fixtures under src/test/resources/fixtures (written by tools/fixtures/*.py). */
public final class Fixtures {
    private Fixtures() {}

    public static JsonNode json(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name);
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] shape(JsonNode t) {
        int[] s = new int[t.get("shape").size()];
        for (int i = 0; i < s.length; i++) s[i] = t.get("shape").get(i).asInt();
        return s;
    }

    public static float[] floats(JsonNode t) {
        JsonNode d = t.has("data") ? t.get("data") : t;
        float[] v = new float[d.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) d.get(i).asDouble();
        return v;
    }

    /** A float32 tensor from {"shape": [...], "data": [...]}. */
    public static Tensor tensor(JsonNode t) {
        return Tensor.fromArray(floats(t), shape(t)).reshape(shape(t));
    }

    /** An int64 tensor from {"shape": [...], "data": [...]}. */
    public static Tensor longTensor(JsonNode t) {
        JsonNode d = t.get("data");
        long[] v = new long[d.size()];
        for (int i = 0; i < v.length; i++) v[i] = d.get(i).asLong();
        return Tensor.fromArray(v, shape(t)).reshape(shape(t));
    }

    public static void assertClose(float[] expected, float[] actual, double atol, double rtol, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + " != expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double tol = atol + rtol * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
