package dev.jgrad.cli.text;

import dev.jgrad.finetune.tokenize.HfTokenizerJson;
import dev.jgrad.finetune.tokenize.Tiktoken;
import dev.jgrad.finetune.tokenize.Tokenizer;
import dev.jgrad.finetune.tokenize.WordPiece;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a tokenizer from whichever file a user points at. */
final class TokenizerFiles {
    private TokenizerFiles() {}

    /**
     * Loads {@code tokenizer.json}, a directory containing one, a tiktoken rank file ({@code .tiktoken}, loaded as
     * GPT-2 with {@code <|endoftext|>}), or a BERT {@code vocab.txt} (uncased).
     */
    static Tokenizer load(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            file = file.resolve("tokenizer.json");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliText.InputException(file + ": tokenizer file not found");
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".tiktoken")) {
            return Tiktoken.loadGpt2(file);
        }
        if (name.endsWith(".txt")) {
            return WordPiece.fromVocabTxt(file, true);
        }
        return HfTokenizerJson.load(file);
    }
}
