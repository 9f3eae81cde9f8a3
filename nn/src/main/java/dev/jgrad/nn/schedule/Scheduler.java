package dev.jgrad.nn.schedule;

import java.util.Map;

/** Anything that sets learning rates over time and must be saved with a checkpoint to resume exactly. */
public interface Scheduler {
    /** JSON-friendly state (numbers, booleans, strings). */
    Map<String, Object> stateDict();

    /** Restores a state from {@link #stateDict()} and re-applies the learning rates it implies. */
    void loadStateDict(Map<String, Object> state);
}
