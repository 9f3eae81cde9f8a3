package dev.jgrad.nn.loss;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.ops.Losses.Reduction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static dev.jgrad.nn.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Every loss against PyTorch 2.x: forward values and input gradients (fixtures from tools/fixtures/nn_losses.py). */
class LossParityTest {
    @TestFactory
    List<DynamicTest> matchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : json("nn_losses.json").get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        }
        return tests;
    }

    private static void check(JsonNode c) {
        JsonNode o = c.get("options");
        String red = o.get("reduction").asText();
        Reduction r = red.equals("batchmean") ? Reduction.SUM : Reduction.valueOf(red.toUpperCase());
        Tensor x = tensor(c.get("input")).requiresGrad(true);
        Tensor out = switch (c.get("loss").asText()) {
            case "cross_entropy" -> Loss.crossEntropy(x, longTensor(c.get("target")),
                    c.has("weight") ? tensor(c.get("weight")) : null,
                    o.path("ignore_index").asInt(-100), (float) o.path("label_smoothing").asDouble(0), r);
            case "mse" -> Loss.mse(x, tensor(c.get("target")), r);
            case "l1" -> Loss.l1(x, tensor(c.get("target")), r);
            case "smooth_l1" -> Loss.smoothL1(x, tensor(c.get("target")), (float) o.get("beta").asDouble(), r);
            case "bce_with_logits" -> Loss.bceWithLogits(x, tensor(c.get("target")),
                    c.has("weight") ? tensor(c.get("weight")) : null, c.has("pos_weight") ? tensor(c.get("pos_weight")) : null, r);
            case "kl_div" -> red.equals("batchmean")
                    ? Loss.klDivBatchMean(x, tensor(c.get("target")), o.get("log_target").asBoolean())
                    : Loss.klDiv(x, tensor(c.get("target")), r, o.get("log_target").asBoolean());
            default -> throw new IllegalArgumentException(c.get("loss").asText());
        };
        assertArrayEquals(shape(c.get("output")), out.shape(), "output shape");
        assertClose(floats(c.get("output")), out.toFloatArray(), 1e-6, 1e-5, "forward");
        out.backward(Tensor.ones(out.shape()));
        assertClose(floats(c.get("grad")), x.grad().toFloatArray(), 1e-6, 1e-5, "gradient");
    }
}
