package dev.jgrad.finetune.tokenize;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains a BERT-style WordPiece vocabulary the way Hugging Face's {@code WordPieceTrainer} does: words come
 * from BERT normalization and pre-tokenization, and the vocabulary is grown by BPE merges in which non-initial
 * symbols carry the {@code ##} prefix. (Despite the name, this is not Google's likelihood-based WordPiece
 * training, which was never released; Hugging Face uses BPE and so do we.)
 */
public final class WordPieceTrainer {
    private WordPieceTrainer() {}

    /** Trains on lines of text with BERT's special tokens first. */
    public static WordPiece train(Iterable<String> lines, int vocabSize, int minFrequency,
                                  BertNormalizer normalizer) {
        Map<String, Long> counts = new HashMap<>();
        for (String line : lines) {
            String norm = normalizer.normalize(line, 0, line.length()).text();
            BertPreTokenizer.split(norm, (s, e) -> counts.merge(norm.substring(s, e), 1L, Long::sum));
        }
        BpeTrainer.Result r = BpeTrainer.train(counts, new BpeTrainer.Config(vocabSize, minFrequency,
                WordPiece.BERT_SPECIAL_TOKENS, "", "##"));
        Map<String, Integer> specials = new LinkedHashMap<>();
        WordPiece.BERT_SPECIAL_TOKENS.forEach(t -> specials.put(t, r.vocab().get(t)));
        return new WordPiece(r.vocab(), "[UNK]", "##", 100, normalizer, specials, "[CLS]", "[SEP]");
    }

}
