package dev.jgrad.finetune.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Trains on the committed corpus sample with the settings the fixture script gave Hugging Face. */
class TrainerParityTest {
    private static Map<String, Integer> vocabOf(JsonNode tokenizerJson) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        tokenizerJson.path("model").path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        return vocab;
    }

    @Test
    void byteLevelBpeTrainingMatchesHuggingFaceExactly() throws IOException {
        ByteLevelBpe ours = BpeTrainer.trainByteLevel(TokenizerFixtures.corpusLines(), 1000, 2,
                List.of("<|endoftext|>"));
        JsonNode hf = TokenizerFixtures.json("bpe-tokenizer.json");
        Map<String, Integer> expectedVocab = vocabOf(hf);
        expectedVocab.remove("<|endoftext|>");
        assertEquals(expectedVocab, ours.vocab());
        List<String> expectedMerges = new ArrayList<>();
        hf.path("model").path("merges").forEach(m -> expectedMerges.add(m.get(0).asText() + " " + m.get(1).asText()));
        assertEquals(expectedMerges, ours.mergeLines());
        TokenizerFixtures.assertMatches(ours, TokenizerFixtures.json("bpe-expected.json"));
    }

    @Test
    void wordPieceTrainingLearnsHuggingFacesTokens() throws IOException {
        WordPiece ours = WordPieceTrainer.train(TokenizerFixtures.corpusLines(), 800, 2, BertNormalizer.uncased());
        Map<String, Integer> hf = vocabOf(TokenizerFixtures.json("wordpiece-tokenizer.json"));
        Set<String> expected = new HashSet<>(hf.keySet());
        Set<String> actual = new HashSet<>(ours.vocab().keySet());
        assertEquals(expected.size(), actual.size());
        // Hugging Face gives "##x" symbols ids in hash-map order, and equal-count merges are broken by pair ids,
        // so a few tied merges can come out differently (4 of 800 tokens on this corpus). Everything else,
        // including every merge decided by count, is the same.
        Set<String> onlyHf = new HashSet<>(expected);
        onlyHf.removeAll(actual);
        assertTrue(onlyHf.size() <= expected.size() / 100, "tokens only Hugging Face learned: " + onlyHf);
        // Special tokens and single characters get the same ids; see WordPieceTrainer for why "##x" may not.
        for (String t : WordPiece.BERT_SPECIAL_TOKENS) {
            assertEquals(hf.get(t), ours.vocab().get(t));
        }
    }
}
