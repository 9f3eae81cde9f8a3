package dev.jgrad.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jgrad.engine.DType;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Fixtures;
import dev.jgrad.nn.Module;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * nn.MultiheadAttention, nn.TransformerEncoderLayer and nn.TransformerDecoderLayer against jgrad's modules:
 * the same parameters (PyTorch's state dict loaded through loadTorchState) and inputs must give the same
 * output and the same gradients for every input and every parameter (tools/fixtures/transformer_layers.py).
 *
 * <p>Tolerance: rtol 1e-4, atol 1e-5. A layer chains about ten float32 ops (two GEMM-backed projections per
 * attention, softmax, LayerNorm, GELU), each within 1e-6 relative of PyTorch's float64 reference; the errors
 * add up through the chain (and through backward, which runs it again in reverse).
 */
class TorchLayerParityTest {
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    @TestFactory
    List<DynamicTest> layersMatchPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        // masks hold −∞, which Python's json writes as -Infinity
        ObjectMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        try (var in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/fixtures/transformer_layers.json"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode c = mapper.readTree(line);
                tests.add(dynamicTest(c.get("name").asText(), () -> check(c)));
            }
        }
        return tests;
    }

    private static void check(JsonNode c) {
        Map<String, Tensor> torchParams = new HashMap<>();
        c.get("params").fields().forEachRemaining(e -> torchParams.put(e.getKey(), Fixtures.tensor(e.getValue())));
        Map<String, Tensor> inputs = new HashMap<>();
        c.get("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), Fixtures.tensor(e.getValue()).requiresGrad(true)));
        JsonNode masks = c.get("masks");
        JsonNode cfg = c.get("config");
        Generator gen = new Generator(0);
        Module module;
        Tensor out;
        switch (c.get("kind").asText()) {
            case "mha" -> {
                MultiheadAttention m = new MultiheadAttention(cfg.get("embed_dim").asInt(), cfg.get("num_heads").asInt(), 0f, gen);
                m.loadTorchState(torchParams);
                Tensor q = inputs.get("query");
                Tensor k = inputs.getOrDefault("key", q), v = inputs.getOrDefault("value", k);
                out = m.forward(q, k, v, new AttentionMask(mask(masks, "key_padding_mask"), mask(masks, "attn_mask"), false), null, null);
                module = m;
            }
            case "encoder_layer" -> {
                EncoderLayer l = new EncoderLayer(layerConfig(cfg), gen);
                l.loadTorchState(torchParams);
                out = l.forward(inputs.get("src"), new AttentionMask(mask(masks, "src_key_padding_mask"), mask(masks, "src_mask"), false));
                module = l;
            }
            case "decoder_layer" -> {
                DecoderLayer l = new DecoderLayer(layerConfig(cfg), gen);
                l.loadTorchState(torchParams);
                out = l.forward(inputs.get("tgt"), inputs.get("memory"),
                        new AttentionMask(mask(masks, "tgt_key_padding_mask"), mask(masks, "tgt_mask"), false),
                        AttentionMask.padding(mask(masks, "memory_key_padding_mask")), null);
                module = l;
            }
            default -> throw new IllegalStateException("unknown kind " + c.get("kind"));
        }
        Fixtures.assertClose(Fixtures.floats(c.get("output")), out.toFloatArray(), ATOL, RTOL, "output");
        out.backward(Fixtures.tensor(c.get("grad_out")));
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("input_grads").fields(); it.hasNext(); ) {
            var e = it.next();
            Fixtures.assertClose(Fixtures.floats(e.getValue()), inputs.get(e.getKey()).grad().toFloatArray(), ATOL, RTOL, "d " + e.getKey());
        }
        Map<String, Tensor> params = module.namedParameters();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("param_grads").fields(); it.hasNext(); ) {
            var e = it.next();
            Fixtures.assertClose(Fixtures.floats(e.getValue()), torchGrad(params, e.getKey()).toFloatArray(), ATOL, RTOL, "d " + e.getKey());
        }
    }

    /** The gradient under PyTorch's name: packed in_proj parameters are the concatenation of q, k, v. */
    private static Tensor torchGrad(Map<String, Tensor> params, String torchName) {
        for (String packed : new String[] {"in_proj_weight", "in_proj_bias"}) {
            if (torchName.endsWith(packed)) {
                String prefix = torchName.substring(0, torchName.length() - packed.length());
                String suffix = packed.endsWith("weight") ? ".weight" : ".bias";
                return Tensor.cat(List.of(params.get(prefix + "q_proj" + suffix).grad(), params.get(prefix + "k_proj" + suffix).grad(),
                        params.get(prefix + "v_proj" + suffix).grad()), 0);
            }
        }
        Tensor p = params.get(torchName);
        if (p == null) throw new AssertionError("no jgrad parameter for PyTorch's " + torchName + "; have " + params.keySet());
        return p.grad();
    }

    private static Tensor mask(JsonNode masks, String name) {
        JsonNode m = masks.get(name);
        if (m == null) return null;
        int[] shape = Fixtures.shape(m);
        if (m.get("data").size() > 0 && m.get("data").get(0).isBoolean()) {
            float[] v = new float[m.get("data").size()];
            for (int i = 0; i < v.length; i++) v[i] = m.get("data").get(i).asBoolean() ? 1 : 0;
            return Tensor.fromArray(v, shape).gt(0.5f);
        }
        return Fixtures.tensor(m);
    }

    private static LayerConfig layerConfig(JsonNode cfg) {
        LayerConfig.Activation act = cfg.get("activation").asText().equals("gelu") ? LayerConfig.Activation.GELU : LayerConfig.Activation.RELU;
        return LayerConfig.of(cfg.get("d_model").asInt(), cfg.get("nhead").asInt(), cfg.get("dim_feedforward").asInt(), 0f, act)
                .withNormFirst(cfg.get("norm_first").asBoolean());
    }
}
