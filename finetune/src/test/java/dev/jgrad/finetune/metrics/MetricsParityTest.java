package dev.jgrad.finetune.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compares every metric with values computed by scikit-learn, sacreBLEU and torchmetrics. */
class MetricsParityTest {
    private static final double EXACT = 1e-12;
    private static JsonNode fixtures;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MetricsParityTest.class.getResourceAsStream("/fixtures/metrics/metrics-expected.json")) {
            fixtures = new ObjectMapper().readTree(in);
        }
    }

    private static String[] strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.toArray(new String[0]);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    @Test
    void classificationMatchesScikitLearn() {
        for (JsonNode c : fixtures.path("classification")) {
            String[] y = strings(c.path("y"));
            String[] p = strings(c.path("p"));
            String pos = c.path("pos").asText();
            JsonNode e = c.path("expected");
            String name = c.path("name").asText();
            assertEquals(e.path("accuracy").asDouble(), ClassificationMetrics.accuracy(y, p), EXACT, name);
            for (Average avg : Average.values()) {
                String suffix = "_" + avg.name().toLowerCase();
                if (e.path("precision" + suffix).isNull()) {
                    assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.f1(y, p, avg, pos));
                    continue;
                }
                assertEquals(e.path("precision" + suffix).asDouble(),
                        ClassificationMetrics.precision(y, p, avg, pos), EXACT, name + suffix);
                assertEquals(e.path("recall" + suffix).asDouble(),
                        ClassificationMetrics.recall(y, p, avg, pos), EXACT, name + suffix);
                assertEquals(e.path("f1" + suffix).asDouble(), ClassificationMetrics.f1(y, p, avg, pos), EXACT,
                        name + suffix);
            }
            ConfusionMatrix m = ConfusionMatrix.of(y, p);
            assertEquals(List.of(strings(e.path("labels"))), m.labels());
            for (int i = 0; i < m.labels().size(); i++) {
                long[] row = new long[m.labels().size()];
                for (int j = 0; j < row.length; j++) {
                    row[j] = e.path("confusion").get(i).get(j).asLong();
                }
                assertArrayEquals(row, m.counts()[i], name);
            }
        }
    }

    @Test
    void regressionMatchesScikitLearn() {
        for (JsonNode c : fixtures.path("regression")) {
            double[] y = doubles(c.path("y"));
            double[] p = doubles(c.path("p"));
            JsonNode e = c.path("expected");
            String name = c.path("name").asText();
            assertEquals(e.path("mse").asDouble(), RegressionMetrics.mse(y, p), EXACT, name);
            assertEquals(e.path("mae").asDouble(), RegressionMetrics.mae(y, p), EXACT, name);
            assertEquals(e.path("rmse").asDouble(), RegressionMetrics.rmse(y, p), EXACT, name);
            assertEquals(e.path("r2").asDouble(), RegressionMetrics.r2(y, p), EXACT, name);
        }
    }

    @Test
    void tokenizer13aMatchesSacreBleu() {
        JsonNode b = fixtures.path("bleu");
        List<String> inputs = new ArrayList<>(List.of(strings(b.path("hyps"))));
        inputs.addAll(List.of(strings(b.path("refs"))));
        String[] expected = strings(b.path("tokenized_13a"));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], Tokenizer13a.tokenize(inputs.get(i)));
        }
    }

    @Test
    void bleuMatchesSacreBleuForEverySmoothing() {
        JsonNode b = fixtures.path("bleu");
        List<String> hyps = List.of(strings(b.path("hyps")));
        List<String> refs = List.of(strings(b.path("refs")));
        Map<String, Bleu.Smoothing> methods = Map.of("exp", Bleu.Smoothing.EXP, "floor", Bleu.Smoothing.FLOOR,
                "add-k", Bleu.Smoothing.ADD_K, "none", Bleu.Smoothing.NONE);
        b.fieldNames().forEachRemaining(key -> {
            if (!key.startsWith("corpus_") || key.equals("corpus_subsets")) {
                return;
            }
            String spec = key.substring("corpus_".length());
            String method = spec.startsWith("add-k") ? "add-k" : spec.split("-")[0];
            Bleu.Smoothing smoothing = methods.get(method);
            double value = spec.equals(method) ? smoothing.defaultValue() : Double.parseDouble(spec.substring(method.length() + 1));
            BleuScore corpus = Bleu.corpus(hyps, List.of(refs), smoothing, value);
            JsonNode e = b.path(key);
            assertEquals(e.path("score").asDouble(), corpus.score(), 1e-9, key);
            assertEquals(e.path("bp").asDouble(), corpus.brevityPenalty(), 1e-12, key);
            assertEquals(e.path("sys_len").asLong(), corpus.sysLength());
            assertEquals(e.path("ref_len").asLong(), corpus.refLength());
            // sacreBLEU reports add-k counts after adding k to orders 2 and up; we report the raw counts.
            double added = smoothing == Bleu.Smoothing.ADD_K ? value : 0;
            for (int n = 0; n < 4; n++) {
                assertEquals(e.path("counts").get(n).asDouble(), corpus.matches()[n] + (n > 0 ? added : 0), key);
                assertEquals(e.path("totals").get(n).asDouble(), corpus.totals()[n] + (n > 0 ? added : 0), key);
            }
            JsonNode sentences = b.path("sentence_" + spec);
            for (int i = 0; i < hyps.size(); i++) {
                assertEquals(sentences.get(i).asDouble(),
                        Bleu.sentence(hyps.get(i), List.of(refs.get(i)), smoothing, value).score(), 1e-9,
                        key + " sentence " + i);
            }
        });
        for (JsonNode subset : b.path("corpus_subsets")) {
            int n = subset.path("n").asInt();
            assertEquals(subset.path("score").asDouble(), Bleu.corpus(hyps.subList(0, n), refs.subList(0, n)).score(),
                    1e-9, "first " + n);
        }
        assertEquals(100, Bleu.sentence("the cat sat on the mat", "the cat sat on the mat").score(), 1e-9);
    }

    @Test
    void rougeMatchesTorchmetrics() {
        JsonNode r = fixtures.path("rouge");
        List<String> hyps = List.of(strings(r.path("hyps")));
        List<String> refs = List.of(strings(r.path("refs")));
        // torchmetrics returns float32 values.
        double tolerance = 1e-6;
        Map<String, Double> corpus = Rouge.corpus(hyps, refs);
        r.path("corpus").properties().forEach(e ->
                assertEquals(e.getValue().asDouble(), corpus.get(e.getKey()), tolerance, e.getKey()));
        for (int i = 0; i < hyps.size(); i++) {
            JsonNode e = r.path("sentences").get(i);
            RougeScore[] ours = {Rouge.rougeN(hyps.get(i), refs.get(i), 1), Rouge.rougeN(hyps.get(i), refs.get(i), 2),
                    Rouge.rougeL(hyps.get(i), refs.get(i))};
            String[] names = {"rouge1", "rouge2", "rougeL"};
            for (int k = 0; k < 3; k++) {
                assertEquals(e.path(names[k] + "_precision").asDouble(), ours[k].precision(), tolerance);
                assertEquals(e.path(names[k] + "_recall").asDouble(), ours[k].recall(), tolerance);
                assertEquals(e.path(names[k] + "_fmeasure").asDouble(), ours[k].fmeasure(), tolerance);
            }
        }
    }

    @Test
    void mismatchedLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.accuracy(new String[] {"a"}, new String[] {"a", "b"}));
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.mse(new double[0], new double[0]));
    }
}
