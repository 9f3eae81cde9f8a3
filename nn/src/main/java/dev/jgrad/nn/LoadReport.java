package dev.jgrad.nn;

import java.util.Arrays;
import java.util.List;

/**
 * What {@link Module#loadStateDict} found: keys the module has but the state lacks ({@code missing}), keys the
 * state has but the module lacks ({@code unexpected}), and keys present in both with different shapes.
 */
public record LoadReport(List<String> missing, List<String> unexpected, List<Mismatch> mismatched) {
    public LoadReport {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    /** A key whose shape in the module ({@code expected}) differs from the one in the state ({@code found}). */
    public record Mismatch(String key, int[] expected, int[] found) {
        @Override
        public String toString() {
            return key + " (module " + Arrays.toString(expected) + ", state " + Arrays.toString(found) + ")";
        }
    }

    /** True when every key matched in name and shape. */
    public boolean isClean() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    @Override
    public String toString() {
        return "missing keys " + missing + ", unexpected keys " + unexpected + ", mis-shaped keys " + mismatched;
    }
}
