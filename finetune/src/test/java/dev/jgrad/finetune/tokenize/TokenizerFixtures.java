package dev.jgrad.finetune.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Fixture access and the comparison of our encodings with Hugging Face's recorded ones. */
final class TokenizerFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** GPT-2's ranks live in the shared data folder next to the repository (not committed: 835 KB). */
    static final Path GPT2_RANKS = Path.of("../../shared/data/tokenizers/gpt2/r50k_base.tiktoken");

    private TokenizerFixtures() {}

    static Path path(String name) {
        try {
            return Path.of(TokenizerFixtures.class.getResource("/fixtures/tokenizers/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String name) throws IOException {
        return JSON.readTree(path(name).toFile());
    }

    static List<String> corpusLines() throws IOException {
        return Files.readAllLines(path("corpus-sample.txt"));
    }

    static ByteLevelBpe gpt2() throws IOException {
        Assumptions.assumeTrue(Files.exists(GPT2_RANKS),
                "GPT-2 ranks not found at " + GPT2_RANKS.toAbsolutePath() + " (shared data folder absent)");
        return Tiktoken.loadGpt2(GPT2_RANKS);
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Asserts ids, tokens, offsets, type ids and decoded text against every recorded case. */
    static void assertMatches(Tokenizer tokenizer, JsonNode cases) {
        for (JsonNode c : cases) {
            String text = c.path("text").asText();
            boolean pair = c.has("pair");
            Encoding e = pair ? tokenizer.encodePair(text, c.path("pair").asText()) : tokenizer.encode(text);
            String label = "text: " + text;
            assertArrayEquals(ints(c.path("ids")), e.ids(), label);
            assertEquals(strings(c.path("tokens")), e.tokens(), label);
            if (c.has("offsets")) {
                int[][] expected = new int[c.path("offsets").size()][];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = ints(c.path("offsets").get(i));
                }
                assertArrayEquals(expected, e.offsets(), label);
            }
            if (c.has("type_ids")) {
                assertArrayEquals(ints(c.path("type_ids")), e.typeIds(), label);
            }
            if (c.has("decoded")) {
                assertEquals(c.path("decoded").asText(), tokenizer.decode(e.ids()), label);
            }
        }
    }
}
