package dev.jgrad.engine.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link VecMath#sumLanes} adds in the butterfly's order, bit for bit, whatever the vector width. */
class SumLanesTest {
    @Test
    void writtenOutButterflyMatchesTheLoop() {
        int lanes = VectorBackend.SPECIES.length();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int trial = 0; trial < 1000; trial++) {
            float[] l = new float[lanes];
            // magnitudes over many octaves, so that the order of the additions shows in the rounding
            for (int i = 0; i < lanes; i++) l[i] = (float) (rnd.nextDouble(-1, 1) * Math.pow(2, rnd.nextInt(-20, 20)));
            float[] loop = l.clone();
            for (int h = lanes / 2; h >= 1; h /= 2) {
                for (int i = 0; i < h; i++) loop[i] += loop[i + h];
            }
            assertEquals(Float.floatToRawIntBits(loop[0]), Float.floatToRawIntBits(VecMath.sumLanes(l)), "trial " + trial);
        }
    }
}
