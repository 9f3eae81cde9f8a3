package dev.jgrad.finetune.tokenize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Text to token ids and back. Implementations are immutable after construction and safe to share between
 * threads.
 */
public interface Tokenizer {
    /** Encodes one text, adding the model's special tokens (e.g. {@code [CLS] ... [SEP]}) if it has any. */
    default Encoding encode(String text) {
        return encode(text, true);
    }

    /** Encodes one text, with or without the model's special tokens. */
    Encoding encode(String text, boolean addSpecialTokens);

    /** Encodes a pair of texts as one sequence (e.g. {@code [CLS] a [SEP] b [SEP]}), second text with type id 1. */
    Encoding encodePair(String first, String second);

    /** Encodes each text independently. */
    default List<Encoding> encodeBatch(List<String> texts) {
        return texts.stream().map(this::encode).toList();
    }

    /** Turns ids back into text, leaving out special tokens. */
    default String decode(int[] ids) {
        return decode(ids, true);
    }

    /** Turns ids back into text. */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** Number of ids, including special tokens. */
    int vocabSize();

    /** The id of a token string, or -1 if it is not in the vocabulary. */
    int tokenToId(String token);

    /** The token string of an id. */
    String idToToken(int id);

    /** The special tokens (content to id), e.g. {@code [PAD]} or {@code <|endoftext|>}. */
    Map<String, Integer> specialTokens();

    /** The id used for padding: {@code [PAD]} if present, else {@code <|endoftext|>}, else 0. */
    default int padId() {
        Map<String, Integer> special = specialTokens();
        return special.getOrDefault("[PAD]", special.getOrDefault("<pad>", special.getOrDefault("<|endoftext|>", 0)));
    }

    /** Writes this tokenizer as a Hugging Face {@code tokenizer.json}. */
    default void save(Path tokenizerJson) throws IOException {
        HfTokenizerJson.save(this, tokenizerJson);
    }
}
