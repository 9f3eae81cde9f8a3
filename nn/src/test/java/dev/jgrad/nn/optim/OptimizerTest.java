package dev.jgrad.nn.optim;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.loss.Loss;
import dev.jgrad.nn.schedule.LRScheduler;
import dev.jgrad.nn.schedule.ReduceLROnPlateau;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OptimizerTest {
    private static Sequential model() {
        Generator g = new Generator(4);
        return new Sequential(new Linear(3, 5, g), new LayerNorm(5), new Linear(5, 2, g));
    }

    private static void backward(Sequential m, int seed) {
        Generator g = new Generator(seed);
        Loss.mse(m.forward(Tensor.randn(g, 6, 3)), Tensor.randn(g, 6, 2)).backward();
    }

    @Test
    void noDecayGroupsHoldBiasesAndNorms() {
        List<ParamGroup> gs = ParamGroup.decayAndNoDecay(model(), 0.1);
        assertEquals(List.of("0.weight", "2.weight"), List.copyOf(gs.get(0).params().keySet()));
        assertEquals(List.of("0.bias", "1.weight", "1.bias", "2.bias"), List.copyOf(gs.get(1).params().keySet()));
        AdamW opt = new AdamW(gs, 1e-3);
        assertEquals(0.1, opt.paramGroups().get(0).weightDecay());
        assertEquals(0.0, opt.paramGroups().get(1).weightDecay());
        assertEquals(1e-3, opt.paramGroups().get(1).lr());
    }

    @Test
    void zeroGradClearsAndFrozenParametersStayPut() {
        Sequential m = model();
        m.freeze("0.*");
        Optimizer opt = new SGD(ParamGroup.all(m), 0.1);
        assertEquals(4, opt.paramGroups().get(0).params().size());
        float[] frozen = ((Linear) m.get(0)).weight.toFloatArray();
        backward(m, 1);
        assertNull(((Linear) m.get(0)).weight.grad());
        assertNotNull(((Linear) m.get(2)).weight.grad());
        opt.step();
        opt.zeroGrad();
        assertNull(((Linear) m.get(2)).weight.grad());
        assertArrayEquals(frozen, ((Linear) m.get(0)).weight.toFloatArray());
    }

    @Test
    void stateSaveLoadContinuesExactly() {
        Sequential a = model(), b = model();
        Optimizer oa = new Adam(ParamGroup.all(a), 0.01, 0.9, 0.99, 1e-8, 0.01, true);
        Optimizer ob = new Adam(ParamGroup.all(b), 0.01, 0.9, 0.99, 1e-8, 0.01, true);
        for (int i = 0; i < 3; i++) { oa.zeroGrad(); backward(a, i); oa.step(); }
        OptimizerState saved = oa.stateDict();
        assertTrue(saved.tensors().containsKey("0.weight/max_exp_avg_sq"));
        b.loadStateDict(a.stateDict());
        ob.loadStateDict(saved);
        for (int i = 3; i < 6; i++) {
            oa.zeroGrad(); backward(a, i); oa.step();
            ob.zeroGrad(); backward(b, i); ob.step();
        }
        for (var e : a.stateDict().entrySet()) assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray());
        var wrong = new SGD(ParamGroup.all(model()), 0.1);
        var ex = assertThrows(IllegalArgumentException.class, () -> wrong.loadStateDict(saved));
        assertEquals("optimizer state is for Adam, not SGD", ex.getMessage());
    }

    @Test
    void gradientAccumulationEqualsTheFullBatch() {
        Generator g = new Generator(8);
        Tensor x = Tensor.randn(g, 8, 3), y = Tensor.randn(g, 8, 2);
        Sequential full = model(), acc = model();
        Loss.mse(full.forward(x), y).backward();
        GradientAccumulator ga = new GradientAccumulator(2);
        assertFalse(ga.backward(Loss.mse(acc.forward(x.narrow(0, 0, 4)), y.narrow(0, 0, 4))));
        assertTrue(ga.backward(Loss.mse(acc.forward(x.narrow(0, 4, 4)), y.narrow(0, 4, 4))));
        for (var e : full.namedParameters().entrySet()) {
            float[] f = e.getValue().grad().toFloatArray(), a = acc.namedParameters().get(e.getKey()).grad().toFloatArray();
            assertArrayEquals(f, a, 1e-6f, e.getKey());
        }
    }

    @Test
    void nonFiniteLossAndGradientsStopTraining() {
        var e = assertThrows(NonFiniteException.class, () -> NonFiniteCheck.checkLoss(Tensor.scalar(Float.NaN), 17));
        assertEquals("non-finite loss (NaN) at step 17", e.getMessage());
        assertEquals(17, e.step());
        Sequential m = model();
        backward(m, 1);
        NonFiniteCheck.checkGradients(m.namedParameters(), 3);     // finite: passes
        Tensor w = ((Linear) m.get(2)).weight;
        float[] gv = w.grad().toFloatArray();
        gv[4] = Float.POSITIVE_INFINITY;
        w.setGrad(Tensor.fromArray(gv, w.shape()));
        var e2 = assertThrows(NonFiniteException.class, () -> NonFiniteCheck.checkGradients(m.namedParameters(), 42));
        assertEquals("non-finite gradient (Infinity) in parameter '2.weight' (element 4) at step 42", e2.getMessage());
    }

    @Test
    void clippingByNormAndValue() {
        Tensor a = Tensor.zeros(2).requiresGrad(true), b = Tensor.zeros(1).requiresGrad(true);
        a.setGrad(Tensor.fromArray(new float[] {3, 0}));
        b.setGrad(Tensor.fromArray(new float[] {4}));
        assertEquals(5.0, GradClip.clipGradNorm(List.of(a, b), 1.0), 1e-9);
        assertArrayEquals(new float[] {0.6f, 0}, a.grad().toFloatArray(), 1e-6f);
        assertEquals(0.8, GradClip.clipGradNorm(List.of(a, b), 10.0, Double.POSITIVE_INFINITY), 1e-6);
        GradClip.clipGradValue(List.of(a, b), 0.7);
        assertArrayEquals(new float[] {0.7f}, b.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void schedulesAndPlateauState() {
        Sequential m = model();
        Optimizer opt = new SGD(ParamGroup.all(m), 1.0);
        LRScheduler s = LRScheduler.linearWithWarmup(opt, 2, 6);
        double[] want = {0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0};
        for (double w : want) { assertEquals(w, s.lastLr(), 1e-12); s.step(); }
        LRScheduler st = LRScheduler.stepLR(opt, 2, 0.1);
        Map<String, Object> saved = Map.of("kind", "step", "last_step", 5L);
        st.loadStateDict(saved);
        assertEquals(0.01, st.lastLr(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> LRScheduler.exponential(opt, 0.5).loadStateDict(saved));

        Optimizer o2 = new SGD(ParamGroup.all(m), 1.0);
        ReduceLROnPlateau p = new ReduceLROnPlateau(o2, true, 0.5, 0, 0, 0, 0.2);
        p.step(1.0);
        p.step(2.0);
        assertEquals(0.5, o2.paramGroups().get(0).lr(), 1e-12);
        var state = p.stateDict();
        ReduceLROnPlateau q = new ReduceLROnPlateau(o2, true, 0.5, 0, 0, 0, 0.2);
        q.loadStateDict(state);
        q.step(1.5);
        q.step(1.5);
        assertEquals(0.2, o2.paramGroups().get(0).lr(), 1e-12, "min lr respected");
    }
}
