package dev.jgrad.finetune.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelBpeTest {
    @Test
    void gpt2RanksGiveGpt2Ids() throws IOException {
        ByteLevelBpe gpt2 = TokenizerFixtures.gpt2();
        assertArrayEquals(new int[] {15496, 995, 0, 632, 338, 257, 1332}, gpt2.encode("Hello world! It's a test").ids());
        assertEquals(50257, gpt2.vocabSize());
        assertEquals(50000, gpt2.merges().size());
        assertEquals(50256, gpt2.tokenToId("<|endoftext|>"));
        TokenizerFixtures.assertMatches(gpt2, TokenizerFixtures.json("gpt2-expected.json"));
    }

    @Test
    void gpt2RoundTripsThroughVocabJsonAndMergesTxt(@TempDir Path dir) throws IOException {
        ByteLevelBpe gpt2 = TokenizerFixtures.gpt2();
        HfTokenizerJson.saveVocabAndMerges(gpt2, dir);
        ByteLevelBpe loaded = HfTokenizerJson.loadVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"),
                Map.of(Tiktoken.END_OF_TEXT, 50256));
        TokenizerFixtures.assertMatches(loaded, TokenizerFixtures.json("gpt2-expected.json"));
    }

    @Test
    void trainedHuggingFaceTokenizerJsonMatches() throws IOException {
        Tokenizer bpe = HfTokenizerJson.load(TokenizerFixtures.path("bpe-tokenizer.json"));
        TokenizerFixtures.assertMatches(bpe, TokenizerFixtures.json("bpe-expected.json"));
    }

    @Test
    void saveAndLoadKeepsEncodings(@TempDir Path dir) throws IOException {
        Tokenizer bpe = HfTokenizerJson.load(TokenizerFixtures.path("bpe-tokenizer.json"));
        Path file = dir.resolve("tokenizer.json");
        bpe.save(file);
        Tokenizer again = HfTokenizerJson.load(file);
        TokenizerFixtures.assertMatches(again, TokenizerFixtures.json("bpe-expected.json"));
    }

    @Test
    void decodeInvertsEncodeExactly() throws IOException {
        Tokenizer bpe = HfTokenizerJson.load(TokenizerFixtures.path("bpe-tokenizer.json"));
        for (String text : List.of("", " \t\n ", "emoji 😀 👨‍👩‍👧", "Ångström 北京 Ελληνικά", "a<|endoftext|>b")) {
            assertEquals(text, bpe.decode(bpe.encode(text).ids(), false));
        }
    }

    @Test
    void batchEncodeAndPadId() throws IOException {
        Tokenizer bpe = HfTokenizerJson.load(TokenizerFixtures.path("bpe-tokenizer.json"));
        List<Encoding> batch = bpe.encodeBatch(List.of("a b", "c"));
        assertEquals(bpe.encode("a b"), batch.get(0));
        assertEquals(0, bpe.padId());
        assertThrows(IllegalArgumentException.class, () -> bpe.idToToken(100_000));
    }

    @Test
    void byteToUnicodeIsABijection() {
        assertEquals('Ġ', ByteToUnicode.charOf(' '));
        assertEquals('A', ByteToUnicode.charOf('A'));
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(all, ByteToUnicode.decode(ByteToUnicode.encode(all)));
        assertEquals(256, ByteToUnicode.alphabet().chars().distinct().count());
    }
}
