package dev.jgrad.finetune.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTest {
    @Test
    void huggingFaceTokenizerJsonMatches() throws IOException {
        Tokenizer wp = HfTokenizerJson.load(TokenizerFixtures.path("wordpiece-tokenizer.json"));
        TokenizerFixtures.assertMatches(wp, TokenizerFixtures.json("wordpiece-expected.json"));
    }

    @Test
    void bertVocabTxtGivesTheSameEncodings() throws IOException {
        Tokenizer wp = WordPiece.fromVocabTxt(TokenizerFixtures.path("wordpiece-vocab.txt"), true);
        TokenizerFixtures.assertMatches(wp, TokenizerFixtures.json("wordpiece-expected.json"));
    }

    @Test
    void saveAndLoadKeepsEncodings(@TempDir Path dir) throws IOException {
        WordPiece wp = (WordPiece) HfTokenizerJson.load(TokenizerFixtures.path("wordpiece-tokenizer.json"));
        wp.save(dir.resolve("tokenizer.json"));
        TokenizerFixtures.assertMatches(HfTokenizerJson.load(dir.resolve("tokenizer.json")),
                TokenizerFixtures.json("wordpiece-expected.json"));
        wp.saveVocabTxt(dir.resolve("vocab.txt"));
        TokenizerFixtures.assertMatches(WordPiece.fromVocabTxt(dir.resolve("vocab.txt"), true),
                TokenizerFixtures.json("wordpiece-expected.json"));
    }

    @Test
    void greedyLongestMatchFirstAndUnknownWords() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String t : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "unaff",
                "##ab", "##le", "!")) {
            vocab.put(t, vocab.size());
        }
        WordPiece wp = WordPiece.bert(vocab, true);
        Encoding e = wp.encode("UNAFFABLE! unxyz", false);
        assertEquals(List.of("unaff", "##able", "!", "[UNK]"), e.tokens());
        assertArrayEquals(new int[][] {{0, 5}, {5, 9}, {9, 10}, {11, 16}}, e.offsets());
        assertEquals("unaffable! [UNK]", wp.decode(e.ids(), false));
        assertEquals(List.of("[CLS]", "[UNK]", "[SEP]"), wp.encode("a".repeat(101)).tokens());
    }
}
