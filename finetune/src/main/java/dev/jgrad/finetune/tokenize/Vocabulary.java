package dev.jgrad.finetune.tokenize;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The id tables every vocabulary-based tokenizer keeps: token to id, id to token (special tokens included, at
 * ids that may lie past the ordinary vocabulary) and the special tokens themselves.
 */
final class Vocabulary {
    final Map<String, Integer> vocab;
    final String[] idToToken;
    final SpecialTokens special;

    Vocabulary(Map<String, Integer> vocab, Map<String, Integer> specialTokens) {
        this.vocab = new LinkedHashMap<>(vocab);
        this.special = new SpecialTokens(specialTokens);
        int size = 0;
        for (int id : vocab.values()) size = Math.max(size, id + 1);
        for (int id : specialTokens.values()) size = Math.max(size, id + 1);
        idToToken = new String[size];
        vocab.forEach((token, id) -> idToToken[id] = token);
        specialTokens.forEach((token, id) -> idToToken[id] = token);
    }

    int size() {
        return idToToken.length;
    }

    /** The id of a token (ordinary or special), or −1. */
    int id(String token) {
        Integer id = vocab.get(token);
        return id != null ? id : special.asMap().getOrDefault(token, -1);
    }

    String token(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw new IllegalArgumentException("unknown token id " + id);
        }
        return idToToken[id];
    }
}
