package dev.jgrad.nn;

import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.io.Checkpoint;
import dev.jgrad.nn.loss.Loss;
import dev.jgrad.nn.optim.Adam;
import dev.jgrad.nn.optim.AdamW;
import dev.jgrad.nn.optim.GradClip;
import dev.jgrad.nn.optim.NonFiniteCheck;
import dev.jgrad.nn.optim.Optimizer;
import dev.jgrad.nn.optim.ParamGroup;
import dev.jgrad.nn.optim.SGD;
import dev.jgrad.nn.schedule.LRScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** End-to-end training: XOR, linear regression, and a resumed run equal to an uninterrupted one bit for bit. */
class TrainingTest {
    @Test
    void mlpLearnsXor() {
        Generator g = new Generator(0);
        Sequential mlp = new Sequential(new Linear(2, 8, g), new Activations.Tanh(), new Linear(8, 1, g));
        Tensor x = Tensor.fromArray(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
        Tensor y = Tensor.fromArray(new float[] {0, 1, 1, 0}, 4, 1);
        Optimizer opt = new Adam(ParamGroup.all(mlp), 0.05);
        float loss = Float.NaN;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            Tensor l = Loss.bceWithLogits(mlp.forward(x), y);
            l.backward();
            opt.step();
            loss = l.item();
        }
        assertTrue(loss < 0.01, "XOR BCE loss after 300 Adam steps should be < 0.01, was " + loss);
        float[] p = mlp.forward(x).sigmoid().toFloatArray();
        assertTrue(p[0] < 0.05 && p[1] > 0.95 && p[2] > 0.95 && p[3] < 0.05, java.util.Arrays.toString(p));
    }

    @Test
    void linearRegressionFitsItsCoefficients() {
        Generator g = new Generator(1);
        Tensor x = Tensor.randn(g, 256, 2);
        Tensor y = x.matmul(Tensor.fromArray(new float[] {3f, -2f}, 2, 1)).add(0.5f).add(Tensor.randn(g, 256, 1).mul(0.01f));
        Linear lin = new Linear(2, 1, g);
        Optimizer opt = new SGD(ParamGroup.single(lin.parameters()), 0.1, 0.9, 0, 0, false);
        float loss = Float.NaN;
        for (int step = 0; step < 150; step++) {
            opt.zeroGrad();
            Tensor l = Loss.mse(lin.forward(x), y);
            l.backward();
            opt.step();
            loss = l.item();
        }
        assertTrue(loss < 2e-4, "MSE after 150 SGD steps should be < 2e-4 (noise variance 1e-4), was " + loss);
        assertArrayEquals(new float[] {3f, -2f}, lin.weight.toFloatArray(), 0.01f);
        assertEquals(0.5f, lin.bias.item(), 0.01f);
    }

    /** A model with dropout (so the generator matters) trained with AdamW, warmup+cosine, clipping and shuffling. */
    static final class Run {
        final Generator init = new Generator(11), dropout = new Generator(12), data = new Generator(13);
        final Sequential model = new Sequential(new Linear(4, 16, init), new Activations.GELU(), new Dropout(0.2f, dropout),
                new LayerNorm(16), new Linear(16, 3, init));
        final Optimizer opt = new AdamW(ParamGroup.decayAndNoDecay(model, 0.05), 0.01);
        final LRScheduler sched = LRScheduler.cosineWithWarmup(opt, 3, 20);
        final Tensor x = Tensor.randn(new Generator(99), 32, 4);
        long step;

        final Tensor yLabels;

        Run() {
            long[] labels = new long[32];
            float[] xs = x.toFloatArray();
            for (int i = 0; i < 32; i++) labels[i] = (xs[4 * i] > 0 ? 1 : 0) + (xs[4 * i + 1] > 0.5 ? 1 : 0);
            yLabels = Tensor.fromArray(labels);
        }

        void train(int steps) {
            for (int i = 0; i < steps; i++) {
                int start = data.nextInt(24);                       // a random mini-batch of 8
                Tensor xb = x.narrow(0, start, 8), yb = yLabels.narrow(0, start, 8);
                opt.zeroGrad();
                Tensor loss = Loss.crossEntropy(model.forward(xb), yb, null, -100, 0.1f, dev.jgrad.engine.ops.Losses.Reduction.MEAN);
                NonFiniteCheck.checkLoss(loss, step);
                loss.backward();
                NonFiniteCheck.checkGradients(model.namedParameters(), step);
                GradClip.clipGradNorm(model.parameters(), 1.0);
                opt.step();
                sched.step();
                step++;
            }
        }

        Map<String, Generator> generators() {
            return Map.of("dropout", dropout, "data", data);
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRunBitForBit(@TempDir Path dir) throws Exception {
        Run straight = new Run();
        straight.train(20);

        Run first = new Run();
        first.train(8);
        Checkpoint.save(dir, first.model, first.opt, first.sched, first.generators(), new Checkpoint.Progress(first.step, 0, Map.of("note", "x")));
        first.train(5);   // diverges from what was saved; must not matter

        Run resumed = new Run();   // fresh objects, different state until loaded
        Checkpoint.Progress p = Checkpoint.load(dir, resumed.model, resumed.opt, resumed.sched, resumed.generators());
        assertEquals(8, p.step());
        assertEquals("x", p.extra().get("note"));
        resumed.step = p.step();
        resumed.train(12);

        for (var e : straight.model.stateDict().entrySet()) {
            float[] a = e.getValue().toFloatArray(), b = resumed.model.stateDict().get(e.getKey()).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), e.getKey() + "[" + i + "]");
            }
        }
        assertEquals(straight.opt.paramGroups().get(0).lr(), resumed.opt.paramGroups().get(0).lr());
        assertArrayEquals(straight.dropout.state(), resumed.dropout.state());
        var so = straight.opt.stateDict().tensors();
        var ro = resumed.opt.stateDict().tensors();
        assertEquals(so.keySet(), ro.keySet());
        for (String k : so.keySet()) assertArrayEquals(so.get(k).toFloatArray(), ro.get(k).toFloatArray(), k);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(Checkpoint.WEIGHTS, Checkpoint.STATE), s.map(q -> q.getFileName().toString()).sorted().toList());
        }
    }
}
