package dev.jgrad.nn.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.optim.Optimizer;
import dev.jgrad.nn.optim.OptimizerState;
import dev.jgrad.nn.schedule.Scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: a directory holding the weights ({@value #WEIGHTS}, a plain safetensors state dict
 * that any safetensors reader can load) and, beside them, everything else a run needs to continue exactly as
 * if never interrupted ({@value #STATE}): optimizer buffers as tensors, and in its {@code __metadata__} the
 * optimizer's step counts and group settings, the schedule, the random generators' full states, the step and
 * epoch. Floats are stored bit-exactly (F32 tensors; doubles as JSON shortest round-trip text).
 *
 * <p>Each file is written atomically (temporary file, then rename). The training state is written last, so a
 * crash between the two leaves new weights with the previous state file; {@link #load} checks that their
 * step numbers agree and refuses a mismatched pair.
 */
public final class Checkpoint {
    public static final String WEIGHTS = "model.safetensors";
    public static final String STATE = "training_state.safetensors";
    private static final String META_KEY = "jgrad.training_state";
    private static final String OPT_PREFIX = "optimizer/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /** Where a run stands: global optimizer step, epoch, and free-form values the caller wants back. */
    public record Progress(long step, long epoch, Map<String, String> extra) {
        public Progress {
            extra = Map.copyOf(extra);
        }

        public Progress(long step, long epoch) {
            this(step, epoch, Map.of());
        }
    }

    /**
     * Saves weights and training state into {@code dir} (created if needed).
     *
     * @param scheduler  may be null
     * @param generators every generator the run draws from (dropout, data shuffling, ...), by a stable name
     */
    public static void save(Path dir, Module model, Optimizer optimizer, Scheduler scheduler,
                            Map<String, Generator> generators, Progress progress) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> weightsMeta = new LinkedHashMap<>();
        weightsMeta.put("format", "pt");
        weightsMeta.put("jgrad.step", Long.toString(progress.step()));
        SafeTensors.write(dir.resolve(WEIGHTS), model.stateDict(), weightsMeta);

        OptimizerState os = optimizer.stateDict();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        os.tensors().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> tensors.put(OPT_PREFIX + e.getKey(), e.getValue()));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", progress.step());
        state.put("epoch", progress.epoch());
        state.put("extra", progress.extra());
        state.put("optimizer", os.scalars());
        state.put("scheduler", scheduler == null ? null : scheduler.stateDict());
        Map<String, long[]> rng = new LinkedHashMap<>();
        generators.forEach((k, g) -> rng.put(k, g.state()));
        state.put("generators", rng);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "jgrad");
        meta.put(META_KEY, JSON.writeValueAsString(state));
        SafeTensors.write(dir.resolve(STATE), tensors, meta);
    }

    /**
     * Restores weights and training state saved by {@link #save} into already-built objects of the same
     * configuration, and returns the progress to continue from. Both files are read and validated before
     * anything is changed.
     */
    @SuppressWarnings("unchecked")
    public static Progress load(Path dir, Module model, Optimizer optimizer, Scheduler scheduler,
                                Map<String, Generator> generators) throws IOException {
        Path wPath = dir.resolve(WEIGHTS), sPath = dir.resolve(STATE);
        Map<String, Tensor> weights;
        String weightsStep;
        try (SafeTensorsFile f = SafeTensors.open(wPath)) {
            weights = f.loadAll();
            weightsStep = f.metadata().get("jgrad.step");
        }
        Map<String, Tensor> tensors;
        Map<String, Object> state;
        try (SafeTensorsFile f = SafeTensors.open(sPath)) {
            tensors = f.loadAll();
            String text = f.metadata().get(META_KEY);
            if (text == null) throw new SafeTensorsException(sPath, "no '" + META_KEY + "' metadata: not a jgrad training state");
            try {
                state = JSON.readValue(text, new TypeReference<Map<String, Object>>() {});
            } catch (IOException e) {
                throw new SafeTensorsException(sPath, "invalid training state JSON: " + e.getMessage(), e);
            }
        }
        long step = ((Number) state.get("step")).longValue();
        if (weightsStep != null && Long.parseLong(weightsStep) != step) {
            throw new SafeTensorsException(dir, "weights are from step " + weightsStep + " but the training state from step " + step
                    + "; the checkpoint was interrupted while being written");
        }
        Map<String, Object> rng = (Map<String, Object>) state.get("generators");
        for (String name : generators.keySet()) {
            if (!rng.containsKey(name)) throw new SafeTensorsException(sPath, "no state saved for generator '" + name + "'; saved: " + rng.keySet());
        }
        Object schedState = state.get("scheduler");
        if ((schedState == null) != (scheduler == null)) {
            throw new SafeTensorsException(sPath, scheduler == null ? "checkpoint has a schedule but none was given" : "checkpoint has no schedule state");
        }
        Map<String, Tensor> optTensors = new LinkedHashMap<>();
        for (var e : tensors.entrySet()) {
            if (!e.getKey().startsWith(OPT_PREFIX)) throw new SafeTensorsException(sPath, "unexpected tensor '" + e.getKey() + "'");
            optTensors.put(e.getKey().substring(OPT_PREFIX.length()), e.getValue());
        }

        model.loadStateDict(weights, true);
        optimizer.loadStateDict(new OptimizerState(optTensors, (Map<String, Object>) state.get("optimizer")));
        if (scheduler != null) scheduler.loadStateDict((Map<String, Object>) schedState);
        for (var g : generators.entrySet()) {
            List<Number> s = (List<Number>) rng.get(g.getKey());
            long[] longs = new long[s.size()];
            for (int i = 0; i < longs.length; i++) longs[i] = s.get(i).longValue();
            g.getValue().setState(longs);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        ((Map<String, Object>) state.get("extra")).forEach((k, v) -> extra.put(k, String.valueOf(v)));
        return new Progress(step, ((Number) state.get("epoch")).longValue(), extra);
    }
}
