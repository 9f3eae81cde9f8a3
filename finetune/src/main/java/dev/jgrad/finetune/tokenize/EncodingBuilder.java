package dev.jgrad.finetune.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Accumulates tokens one at a time, growing arrays as needed, then freezes them into an {@link Encoding}. */
final class EncodingBuilder {
    private int[] ids = new int[16];
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int[] typeIds = new int[16];
    private final List<String> tokens = new ArrayList<>();
    private int size;
    private int typeId;

    /** Sets the segment id (0 or 1) of the tokens added from now on. */
    void typeId(int typeId) {
        this.typeId = typeId;
    }

    void add(int id, String token, int start, int end) {
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            typeIds = Arrays.copyOf(typeIds, n);
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        typeIds[size] = typeId;
        tokens.add(token);
        size++;
    }

    Encoding build() {
        return new Encoding(Arrays.copyOf(ids, size), tokens, Arrays.copyOf(starts, size), Arrays.copyOf(ends, size),
                Arrays.copyOf(typeIds, size));
    }
}
