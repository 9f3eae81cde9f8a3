package dev.jgrad.engine.parity;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Reads the PyTorch reference cases written by {@code tools/fixtures/engine_ops.py} (its header describes the
 * format) and turns their tensors into jgrad tensors.
 */
final class Fixtures {
    private Fixtures() {}

    /** A tensor as stored in a fixture: row-major values of any dtype, held as doubles. */
    record TensorData(String dtype, int[] shape, double[] values) {}

    /** A base leaf of a case, and the view recipe that makes the op's actual input from it. */
    record Input(String dtype, int[] shape, double[] values, boolean requiresGrad, List<JsonNode> view) {
        TensorData data() {
            return new TensorData(dtype, shape, values);
        }
    }

    /**
     * One reference computation: {@code op(args)} applied to the viewed inputs gives {@code outputs};
     * backpropagating {@code gradOuts} (null entries: not differentiated) gives {@code grads} on the bases.
     */
    record Case(String name, String op, JsonNode args, List<Input> inputs, List<TensorData> outputs,
                List<TensorData> gradOuts, List<TensorData> grads) {
        @Override
        public String toString() {
            return name;
        }
    }

    private record FixtureFile(String generator, String torch, List<Case> cases) {}

    /** The cases of a fixture file on the test classpath, e.g. {@code /fixtures/engine_ops.json}. */
    static List<Case> load(String resource) {
        // PyTorch writes -inf (masked logits) and NaN as JSON's common extensions -Infinity and NaN.
        JsonMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("fixture " + resource + " is not on the test classpath");
            return mapper.readValue(in, FixtureFile.class).cases();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + resource, e);
        }
    }

    /** The jgrad tensor holding {@code data}: float32, int64 or bool. */
    static Tensor tensor(TensorData data) {
        double[] v = data.values();
        Tensor flat = switch (data.dtype()) {
            case "float32" -> {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
                yield Tensor.fromArray(f);
            }
            case "int64", "bool" -> {
                long[] l = new long[v.length];
                for (int i = 0; i < v.length; i++) l[i] = (long) v[i];
                Tensor ints = Tensor.fromArray(l);
                yield data.dtype().equals("bool") ? ints.to(DType.BOOL) : ints;
            }
            default -> throw new IllegalArgumentException("fixture dtype " + data.dtype() + " is not supported");
        };
        return flat.reshape(data.shape()); // a 1-D tensor viewed as the stored shape, 0-d included
    }

    /** The op's actual input: the view recipe's steps applied to {@code base}, so strides and offsets vary. */
    static Tensor applyView(Tensor base, List<JsonNode> recipe) {
        Tensor t = base;
        for (JsonNode step : recipe) {
            String kind = step.get(0).asText();
            t = switch (kind) {
                case "permute" -> t.permute(ints(step.get(1)));
                case "transpose" -> t.transpose(step.get(1).asInt(), step.get(2).asInt());
                case "expand" -> t.expand(ints(step.get(1)));
                case "slice" -> t.slice(step.get(1).asInt(), step.get(2).asInt(), step.get(3).asInt(), step.get(4).asInt());
                default -> throw new IllegalArgumentException("unknown view step " + step);
            };
        }
        return t;
    }

    /** A JSON array of integers. */
    static int[] ints(JsonNode array) {
        int[] r = new int[array.size()];
        for (int i = 0; i < r.length; i++) r[i] = array.get(i).asInt();
        return r;
    }
}
