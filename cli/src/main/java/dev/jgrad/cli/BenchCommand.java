package dev.jgrad.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.backend.Backend;
import dev.jgrad.engine.backend.Backends;
import dev.jgrad.engine.backend.Gemm;
import dev.jgrad.engine.backend.Layout;
import dev.jgrad.engine.backend.ProfilingBackend;
import dev.jgrad.engine.backend.UnaryOp;
import dev.jgrad.engine.backend.cpu.Parallel;
import dev.jgrad.engine.backend.cpu.VectorBackend;
import dev.jgrad.cli.bench.ModelWorkloads;
import dev.jgrad.cli.bench.ProfileReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code jgrad bench <kernel>}: times one CPU kernel in-process and prints its throughput.
 *
 * <p>The kernel is called directly on the backend with preallocated inputs and outputs, so the figure is the
 * kernel's own speed (no graph recording, no allocation). After {@code --warmup} untimed calls (which also let
 * the JIT compile the kernel), every call is timed on its own until both {@code --iters} calls and
 * {@code --min-time-ms} have passed; we report the median and the range, because the median is what survives
 * a noisy machine. GEMM counts 2·M·N·K flops; the memory-bound kernels count bytes read plus bytes written
 * once each (the same rule as the PyTorch anchors in shared/anchors/w5_membound.py).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a CPU kernel: gemm (GFLOP/s) or softmax, layernorm, gelu, copy (GB/s); or a model "
                + "workload of shared/anchors (ms per step): encoder-step, encoder-infer, decoder-step (W2, W3), mha (W6).")
public final class BenchCommand implements Callable<Integer> {

    /** The kernels this command knows, with their default sizes (those of the PyTorch/numpy anchors). */
    enum Kernel {
        GEMM, SOFTMAX, LAYERNORM, GELU, COPY,
        /** W2 training step; see {@link ModelWorkloads}. */
        ENCODER_STEP,
        /** W2 inference (eval, no gradients). */
        ENCODER_INFER,
        /** W3 training step. */
        DECODER_STEP,
        /** W6 MultiheadAttention forward; --n is the sequence length. */
        MHA;

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        boolean usesRowsCols() {
            return this == SOFTMAX || this == LAYERNORM;
        }

        /** Whole-model workloads report milliseconds per step (lower is better) instead of a rate. */
        boolean isModel() {
            return ordinal() >= ENCODER_STEP.ordinal();
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KERNEL",
            description = "gemm, softmax, layernorm, gelu, copy, encoder-step, encoder-infer, decoder-step or mha")
    String kernelName;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--n", paramLabel = "N", description = "gemm: square size (default 1024); gelu, copy: element count")
    Integer n;

    @Option(names = "--rows", paramLabel = "R", description = "softmax, layernorm: rows (default 4096)")
    Integer rows;

    @Option(names = "--cols", paramLabel = "C", description = "softmax: cols (default 1024); layernorm: default 768")
    Integer cols;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5", description = "untimed calls first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--iters", paramLabel = "I", defaultValue = "10", description = "at least this many timed calls (default ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--min-time-ms", paramLabel = "MS", defaultValue = "1000",
            description = "keep timing until this much time has passed (default ${DEFAULT-VALUE})")
    long minTimeMs;

    @Option(names = "--backend", paramLabel = "B", defaultValue = "vector",
            description = "vector (SIMD + threads) or scalar (the naive reference); default ${DEFAULT-VALUE}")
    String backendName;

    @Option(names = "--json", description = "print one JSON object instead of a line of text")
    boolean json;

    @Option(names = "--profile", description = "model workloads: also time every backend call during the timed steps "
            + "and print where a step goes, by kernel and shape (JSON: a \"profile\" list)")
    boolean profile;

    /** Runs the command standalone: {@code java --add-modules jdk.incubator.vector -cp ... dev.jgrad.cli.BenchCommand gemm}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Kernel kernel = parseKernel();
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) throw bad("--threads must be >= 1, got " + t);
        if (warmup < 0) throw bad("--warmup must be >= 0, got " + warmup);
        if (iters < 1) throw bad("--iters must be >= 1, got " + iters);
        if (minTimeMs < 0) throw bad("--min-time-ms must be >= 0, got " + minTimeMs);
        if (kernel.usesRowsCols() && n != null) throw bad(kernel.id() + " takes --rows and --cols, not --n");
        if (!kernel.usesRowsCols() && (rows != null || cols != null)) throw bad(kernel.id() + " takes --n, not --rows/--cols");
        if (profile && !kernel.isModel()) {
            throw bad("--profile applies to the model workloads (encoder-step, encoder-infer, decoder-step, mha); "
                    + kernel.id() + " is a single kernel call");
        }
        Backend backend = switch (backendName) {
            case "vector" -> Backends.createCpu(true);
            case "scalar" -> Backends.createCpu(false);
            default -> throw bad("--backend must be vector or scalar, got '" + backendName + "'");
        };
        Parallel.setThreads(t);
        if (kernel.isModel()) return model(kernel, t, backend);

        Workload w = switch (kernel) {
            case GEMM -> gemm(backend, positive("--n", n, 1024));
            case SOFTMAX -> softmax(backend, positive("--rows", rows, 4096), positive("--cols", cols, 1024));
            case LAYERNORM -> layerNorm(backend, positive("--rows", rows, 4096), positive("--cols", cols, 768));
            case GELU -> gelu(backend, positive("--n", n, 16 << 20));
            case COPY -> copy(backend, positive("--n", n, 64 << 20));
            default -> throw new IllegalStateException("model workloads are timed by model()");
        };
        double[] seconds = time(w.body);
        double[] rates = new double[seconds.length];
        for (int i = 0; i < seconds.length; i++) rates[i] = w.work / seconds[i] / 1e9;
        Arrays.sort(rates);
        double median = median(rates);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kernel", kernel.id());
        out.put("threads", t);
        out.put("unit", kernel == Kernel.GEMM ? "GFLOP/s" : "GB/s");
        out.put("median", round(median));
        out.put("min", round(rates[0]));
        out.put("max", round(rates[rates.length - 1]));
        out.putAll(w.sizes);
        out.put("iterations", seconds.length);
        out.put("ms_median", round(1e3 * w.work / 1e9 / median));
        out.put("backend", backend.name());
        if (backend instanceof VectorBackend) out.put("species_bits", VectorBackend.species().vectorBitSize());

        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(new ObjectMapper().writeValueAsString(out));
        } else {
            pw.printf(Locale.ROOT, "%s %s threads=%d backend=%s: median %.2f %s (min %.2f, max %.2f) over %d calls%n",
                    kernel.id(), w.sizes, t, backend.name(), median, out.get("unit"), rates[0], rates[rates.length - 1],
                    seconds.length);
        }
        pw.flush();
        return 0;
    }

    /** Times one of the model workloads and reports milliseconds per step. */
    private Integer model(Kernel kernel, int t, Backend backend) throws Exception {
        if (kernel != Kernel.MHA && n != null) throw bad(kernel.id() + " has fixed sizes (those of the anchors); it takes no --n");
        if (rows != null || cols != null) throw bad(kernel.id() + " takes no --rows/--cols");
        Backend before = Backends.cpu();
        ProfilingBackend prof = profile ? new ProfilingBackend(backend) : null;
        Backends.setCpu(prof != null ? prof : backend);
        try {
            ModelWorkloads.Workload w = switch (kernel) {
                case ENCODER_STEP -> ModelWorkloads.encoderStep();
                case ENCODER_INFER -> ModelWorkloads.encoderInfer();
                case DECODER_STEP -> ModelWorkloads.decoderStep();
                default -> ModelWorkloads.mha(positive("--n", n, 128));
            };
            double[] ms = time(w.step(), prof == null ? () -> { } : prof::reset);
            for (int i = 0; i < ms.length; i++) ms[i] *= 1e3;
            Arrays.sort(ms);
            double meanMs = Arrays.stream(ms).average().orElse(0);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("kernel", kernel.id());
            out.put("threads", t);
            out.put("unit", "ms");
            out.put("median", round(median(ms)));
            out.put("min", round(ms[0]));
            out.put("max", round(ms[ms.length - 1]));
            out.putAll(w.sizes());
            out.put("iterations", ms.length);
            out.put("backend", backend.name());
            if (prof != null) {
                out.put("profile", ProfileReport.rows(prof.entries(), ms.length, meanMs));
                out.put("profile_outside_ms", round(ProfileReport.outsideMs(prof.entries(), ms.length, meanMs)));
            }
            PrintWriter pw = spec.commandLine().getOut();
            if (json) {
                pw.println(new ObjectMapper().writeValueAsString(out));
            } else {
                pw.printf(Locale.ROOT, "%s %s threads=%d backend=%s: median %.1f ms (min %.1f, max %.1f) over %d steps%n",
                        kernel.id(), w.sizes(), t, backend.name(), median(ms), ms[0], ms[ms.length - 1], ms.length);
                if (prof != null) {
                    pw.printf(Locale.ROOT, "where a step goes (mean %.1f ms over the %d timed steps, profiled):%n", meanMs, ms.length);
                    pw.print(ProfileReport.table(prof.entries(), ms.length, meanMs, 25));
                    pw.println();
                }
            }
            pw.flush();
            return 0;
        } finally {
            Backends.setCpu(before);
        }
    }

    /** One prepared kernel call and how much work (flops or bytes) it does. */
    private record Workload(Runnable body, double work, Map<String, Object> sizes) {}

    private static Workload gemm(Backend be, int n) {
        Storage a = random(n * n, 1), b = random(n * n, 2), c = Storage.allocate(DType.FLOAT32, n * n);
        Gemm g = new Gemm(1, n, n, n, a, 0, 0, n, 1, b, 0, 0, n, 1, c, 0, 0, n, false);
        return new Workload(() -> be.gemm(g), g.flops(), Map.of("n", n));
    }

    private static Workload softmax(Backend be, int rows, int cols) {
        Storage x = random(rows * cols, 3), y = Storage.allocate(DType.FLOAT32, rows * cols);
        return new Workload(() -> be.softmax(false, x, rows, cols, y), 2.0 * 4 * rows * cols, rowsCols(rows, cols));
    }

    private static Workload layerNorm(Backend be, int rows, int cols) {
        Storage x = random(rows * cols, 4), y = Storage.allocate(DType.FLOAT32, rows * cols);
        Storage w = Storage.allocate(DType.FLOAT32, cols), b = Storage.allocate(DType.FLOAT32, cols);
        Arrays.fill(w.floats(), 1f);
        Storage mean = Storage.allocate(DType.FLOAT32, rows), rstd = Storage.allocate(DType.FLOAT32, rows);
        return new Workload(() -> be.layerNorm(x, w, b, rows, cols, 1e-5f, y, mean, rstd), 2.0 * 4 * rows * cols,
                rowsCols(rows, cols));
    }

    private static Workload gelu(Backend be, int n) {
        Storage x = random(n, 5), y = Storage.allocate(DType.FLOAT32, n);
        Layout l = Layout.contiguous(new int[] {n});
        return new Workload(() -> be.unary(UnaryOp.GELU_ERF, 0f, 0f, x, l, y), 2.0 * 4 * n, Map.of("n", n));
    }

    private static Workload copy(Backend be, int n) {
        Storage x = random(n, 6), y = Storage.allocate(DType.FLOAT32, n);
        Layout l = Layout.contiguous(new int[] {n});
        return new Workload(() -> be.copy(x, l, y, l), 2.0 * 4 * n, Map.of("n", n));
    }

    private static Map<String, Object> rowsCols(int rows, int cols) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("cols", cols);
        return m;
    }

    /** Standard-normal-ish values (sum of uniforms is plenty for timing), fixed seed. */
    private static Storage random(int size, long seed) {
        float[] v = new float[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) v[i] = (float) (r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 2f;
        return Storage.wrap(v);
    }

    private double[] time(Runnable body) {
        return time(body, () -> { });
    }

    /** Times body after the warm-up calls; {@code afterWarmup} runs in between (a profiler's reset). */
    private double[] time(Runnable body, Runnable afterWarmup) {
        for (int i = 0; i < warmup; i++) body.run();
        afterWarmup.run();
        double[] s = new double[Math.max(iters, 16)];
        int count = 0;
        long start = System.nanoTime(), budget = minTimeMs * 1_000_000L;
        while (count < iters || System.nanoTime() - start < budget) {
            long t0 = System.nanoTime();
            body.run();
            long dt = System.nanoTime() - t0;
            if (count == s.length) s = Arrays.copyOf(s, 2 * s.length);
            s[count++] = Math.max(dt, 1) / 1e9;
        }
        return Arrays.copyOf(s, count);
    }

    private static double median(double[] sorted) {
        int k = sorted.length;
        return k % 2 == 1 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
    }

    /** Four significant digits: more would be noise, and tiny test sizes must not round to 0. */
    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.4g", v));
    }

    private Kernel parseKernel() {
        for (Kernel k : Kernel.values()) if (k.id().equals(kernelName)) return k;
        throw bad("unknown kernel '" + kernelName + "'; expected one of gemm, softmax, layernorm, gelu, copy, "
                + "encoder-step, encoder-infer, decoder-step, mha");
    }

    private int positive(String option, Integer value, int fallback) {
        int v = value == null ? fallback : value;
        if (v < 1) throw bad(option + " must be >= 1, got " + v);
        return v;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
