package dev.jgrad.nn.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.schedule.LRScheduler;
import dev.jgrad.nn.schedule.ReduceLROnPlateau;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jgrad.nn.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 10 steps of SGD, Adam and AdamW with schedules and clipping against PyTorch 2.x on the same parameters and
 * gradients (fixtures from tools/fixtures/nn_optim.py).
 */
class OptimizerParityTest {
    static final JsonNode FIX = json("nn_optim.json");

    @TestFactory
    List<DynamicTest> matchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode run : FIX.get("runs")) {
            tests.add(DynamicTest.dynamicTest(run.get("config").get("name").asText(), () -> check(run)));
        }
        return tests;
    }

    private static void check(JsonNode run) {
        JsonNode cfg = run.get("config");
        Tensor w = Tensor.fromArray(floats(FIX.get("w0")), 3, 4).requiresGrad(true);
        Tensor b = Tensor.fromArray(floats(FIX.get("b0")), 4).requiresGrad(true);
        Map<String, Tensor> named = Map.of("w", w, "b", b);
        List<ParamGroup> groups = new ArrayList<>();
        if (cfg.has("groups")) {
            for (JsonNode g : cfg.get("groups")) {
                Map<String, Tensor> ps = new LinkedHashMap<>();
                for (JsonNode n : g.get("params")) ps.put(n.asText(), named.get(n.asText()));
                groups.add(new ParamGroup(ps, g.path("lr").asDouble(Double.NaN), g.path("weight_decay").asDouble(Double.NaN)));
            }
        } else {
            groups.add(ParamGroup.of(List.of(w, b)));
        }
        double lr = cfg.get("lr").asDouble(), wd = cfg.path("weight_decay").asDouble(0);
        boolean ams = cfg.path("amsgrad").asBoolean(false);
        double b1 = cfg.has("betas") ? cfg.get("betas").get(0).asDouble() : 0.9;
        double b2 = cfg.has("betas") ? cfg.get("betas").get(1).asDouble() : 0.999;
        double eps = cfg.path("eps").asDouble(1e-8);
        Optimizer opt = switch (cfg.get("opt").asText()) {
            case "sgd" -> new SGD(groups, lr, cfg.path("momentum").asDouble(0), cfg.path("dampening").asDouble(0), wd,
                    cfg.path("nesterov").asBoolean(false));
            case "adam" -> new Adam(groups, lr, b1, b2, eps, wd, ams);
            default -> new AdamW(groups, lr, b1, b2, eps, wd, ams);
        };
        JsonNode sch = cfg.has("schedule") ? cfg.get("schedule") : null;
        String kind = sch == null ? "constant" : sch.get("kind").asText();
        LRScheduler sched = null;
        ReduceLROnPlateau plateau = null;
        switch (kind) {
            case "constant" -> sched = LRScheduler.constant(opt);
            case "step" -> sched = LRScheduler.stepLR(opt, sch.get("step_size").asLong(), sch.get("gamma").asDouble());
            case "exponential" -> sched = LRScheduler.exponential(opt, sch.get("gamma").asDouble());
            case "linear" -> sched = LRScheduler.linearWithWarmup(opt, sch.get("warmup").asLong(), sch.get("total").asLong());
            case "cosine" -> sched = LRScheduler.cosineWithWarmup(opt, sch.get("warmup").asLong(), sch.get("total").asLong());
            case "plateau" -> plateau = new ReduceLROnPlateau(opt, true, sch.get("factor").asDouble(), sch.get("patience").asInt(), 1e-4, 0, 0);
            default -> throw new IllegalArgumentException(kind);
        }
        int steps = FIX.get("steps").asInt();
        for (int i = 0; i < steps; i++) {
            w.setGrad(Tensor.fromArray(floats(FIX.get("grads_w").get(i)), 3, 4));
            b.setGrad(Tensor.fromArray(floats(FIX.get("grads_b").get(i)), 4));
            if (cfg.has("clip_norm")) {
                double norm = GradClip.clipGradNorm(List.of(w, b), cfg.get("clip_norm").asDouble());
                assertEquals(run.get("norms").get(i).asDouble(), norm, 1e-5, "total norm at step " + i);
            }
            if (cfg.has("clip_value")) GradClip.clipGradValue(List.of(w, b), cfg.get("clip_value").asDouble());
            for (int g = 0; g < groups.size(); g++) {
                double expected = run.get("lrs").get(i).get(g).asDouble();
                assertEquals(expected, groups.get(g).lr(), 1e-12 + 1e-9 * expected, "lr of group " + g + " at step " + i);
            }
            opt.step();
            if (plateau != null) plateau.step(FIX.get("metrics").get(i).asDouble());
            else sched.step();
            assertClose(floats(run.get("w").get(i)), w.toFloatArray(), 2e-6, 2e-5, "w after step " + (i + 1));
            assertClose(floats(run.get("b").get(i)), b.toFloatArray(), 2e-6, 2e-5, "b after step " + (i + 1));
        }
    }
}
