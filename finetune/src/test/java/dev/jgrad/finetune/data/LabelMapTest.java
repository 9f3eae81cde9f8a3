package dev.jgrad.finetune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelMapTest {
    private static Dataset rows(String... labels) {
        List<Example> examples = new java.util.ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            examples.add(new Example("t" + i, null, labels[i], i + 2));
        }
        return new Dataset(Path.of("x.csv"), examples);
    }

    @Test
    void idsAreSortedNamesAndUnseenLabelsFail() {
        LabelMap map = LabelMap.fromTraining(rows("spam", "ham", "spam"));
        assertEquals(List.of("ham", "spam"), map.names());
        assertArrayEquals(new int[] {1, 0}, map.encode(rows("spam", "ham")));
        DatasetException e = assertThrows(DatasetException.class, () -> map.encode(rows("ham", "eggs")));
        assertEquals("x.csv:3: label 'eggs' never appears in the training data (known labels: [ham, spam])",
                e.getMessage());
    }

    @Test
    void savesAndLoadsHuggingFaceStyle(@TempDir Path dir) throws IOException {
        LabelMap map = new LabelMap(List.of("neg", "neu", "pos"));
        Path file = dir.resolve("labels.json");
        map.save(file);
        assertTrue(java.nio.file.Files.readString(file).contains("\"id2label\""));
        assertEquals(map, LabelMap.load(file));
    }

    @Test
    void numericLabelsRejectText() {
        DatasetException e = assertThrows(DatasetException.class, () -> NumericLabels.of(rows("1.5", "high")));
        assertEquals(3, e.line());
        assertArrayEquals(new double[] {1.5, -2}, NumericLabels.of(rows("1.5", "-2")));
    }
}
