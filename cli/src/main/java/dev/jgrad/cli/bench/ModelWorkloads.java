package dev.jgrad.cli.bench;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.autograd.GradMode;
import dev.jgrad.nn.optim.AdamW;
import dev.jgrad.nn.optim.ParamGroup;
import dev.jgrad.transformer.AttentionMask;
import dev.jgrad.transformer.DecoderLM;
import dev.jgrad.transformer.EncoderClassifier;
import dev.jgrad.transformer.LayerConfig;
import dev.jgrad.transformer.ModelConfig;
import dev.jgrad.transformer.MultiheadAttention;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model workloads of ../shared/anchors (W2, W3, W6), built the same way as their PyTorch side in
 * {@code models.py}: same shapes, same padding statistics, same optimizer. Each returns one step to time.
 *
 * <ul>
 *   <li>W2 {@code encoder-step}: token embedding (8192) + learned positions (128), 4 post-LN encoder layers
 *       (d 256, 4 heads, FF 1024, dropout 0.1, GELU), masked mean-pool, Linear(256 → 2); batch 16 × 128 with
 *       ~20% padding at the end; forward + cross-entropy + backward + AdamW(lr 1e-4).
 *       {@code encoder-infer}: the same batch in eval mode without gradients.</li>
 *   <li>W3 {@code decoder-step}: the same embeddings and 4 layers with a causal mask, untied
 *       Linear(256 → 8192, no bias); batch 8 × 128; one training step.</li>
 *   <li>W6 {@code mha}: MultiheadAttention forward, batch 16, d 256, 4 heads, eval without gradients, at
 *       {@code seq} 128 or 512.</li>
 * </ul>
 */
public final class ModelWorkloads {
    private ModelWorkloads() {}

    public static final int VOCAB = 8192, MAXLEN = 128, D = 256, H = 4, FF = 1024, LAYERS = 4;

    /** One prepared step and the sizes that describe it. */
    public record Workload(Runnable step, Map<String, Object> sizes) {}

    static LayerConfig layer() {
        return LayerConfig.of(D, H, FF, 0.1f, LayerConfig.Activation.GELU);
    }

    /** W2's batch: ids [16, 128], padding (true = pad) with per-row pad length uniform in [0, 51], labels [16]. */
    static Tensor[] encoderBatch(int batch, int seq) {
        Generator g = new Generator(0);
        long[] ids = new long[batch * seq], labels = new long[batch];
        float[] pad = new float[batch * seq];
        for (int i = 0; i < batch; i++) {
            int padLen = g.nextInt(52);
            for (int j = 0; j < seq; j++) {
                ids[i * seq + j] = g.nextInt(VOCAB);
                pad[i * seq + j] = j >= seq - padLen ? 1 : 0;
            }
            labels[i] = g.nextInt(2);
        }
        return new Tensor[] {Tensor.fromArray(ids, batch, seq), Tensor.fromArray(pad, batch, seq).gt(0.5f), Tensor.fromArray(labels)};
    }

    public static Workload encoderStep() {
        Tensor[] b = encoderBatch(16, MAXLEN);
        EncoderClassifier model = new EncoderClassifier(ModelConfig.of(VOCAB, MAXLEN, layer(), LAYERS), 2,
                EncoderClassifier.Pooling.MEAN, false, new Generator(1));
        model.train();
        AdamW opt = new AdamW(ParamGroup.all(model), 1e-4);
        Runnable step = () -> {
            model.zeroGrad();
            F.crossEntropy(model.forward(b[0], b[1], null), b[2]).backward();
            opt.step();
        };
        return new Workload(step, sizes(16, MAXLEN, model.parameterCount().total()));
    }

    public static Workload encoderInfer() {
        Tensor[] b = encoderBatch(16, MAXLEN);
        EncoderClassifier model = new EncoderClassifier(ModelConfig.of(VOCAB, MAXLEN, layer(), LAYERS), 2,
                EncoderClassifier.Pooling.MEAN, false, new Generator(1));
        model.eval();
        Runnable step = () -> {
            try (var scope = GradMode.noGrad()) {
                model.forward(b[0], b[1], null);
            }
        };
        return new Workload(step, sizes(16, MAXLEN, model.parameterCount().total()));
    }

    public static Workload decoderStep() {
        Generator g = new Generator(0);
        int batch = 8, seq = MAXLEN;
        long[] x = new long[batch * seq], y = new long[batch * seq];
        for (int i = 0; i < batch; i++) {
            long prev = g.nextInt(VOCAB);
            for (int j = 0; j < seq; j++) {
                long next = g.nextInt(VOCAB);
                x[i * seq + j] = prev;
                y[i * seq + j] = next;
                prev = next;
            }
        }
        Tensor ids = Tensor.fromArray(x, batch, seq), targets = Tensor.fromArray(y);
        DecoderLM model = new DecoderLM(ModelConfig.of(VOCAB, MAXLEN, layer(), LAYERS), new Generator(1));
        model.train();
        AdamW opt = new AdamW(ParamGroup.all(model), 1e-4);
        Runnable step = () -> {
            model.zeroGrad();
            F.crossEntropy(model.forward(ids).reshape(batch * seq, VOCAB), targets).backward();
            opt.step();
        };
        return new Workload(step, sizes(batch, seq, model.parameterCount().total()));
    }

    public static Workload mha(int seq) {
        MultiheadAttention m = new MultiheadAttention(D, H, 0f, new Generator(1));
        m.eval();
        Tensor x = Tensor.randn(new Generator(2), 16, seq, D);
        Runnable step = () -> {
            try (var scope = GradMode.noGrad()) {
                m.forward(x, AttentionMask.NONE);
            }
        };
        return new Workload(step, sizes(16, seq, m.parameterCount().total()));
    }

    private static Map<String, Object> sizes(int batch, int seq, long params) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch", batch);
        m.put("seq", seq);
        m.put("params", params);
        return m;
    }
}
