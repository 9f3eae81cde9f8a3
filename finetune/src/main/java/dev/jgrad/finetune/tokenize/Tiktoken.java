package dev.jgrad.finetune.tokenize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads a tiktoken rank file ({@code base64(bytes) rank} per line, e.g. OpenAI's {@code r50k_base} for GPT-2)
 * as a {@link ByteLevelBpe}.
 *
 * <p>tiktoken has no merge list: it merges whichever adjacent pair forms the lowest-ranked token. We recover the
 * equivalent Hugging Face merge list, as Hugging Face's own converter does: for each multi-byte token in rank
 * order, BPE-encode its bytes using only lower ranks; that leaves exactly two parts, and they are its merge.
 * The rank is the token id.
 */
public final class Tiktoken {
    /** GPT-2's end-of-text token, which is not in the rank file. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private Tiktoken() {}

    /** Loads GPT-2 ({@code r50k_base.tiktoken}) with {@code <|endoftext|>} = 50256. */
    public static ByteLevelBpe loadGpt2(Path rankFile) throws IOException {
        return load(rankFile, Map.of(END_OF_TEXT, 50256));
    }

    /** Loads any rank file with the given special tokens. */
    public static ByteLevelBpe load(Path rankFile, Map<String, Integer> specialTokens) throws IOException {
        TreeMap<Integer, String> byRank = new TreeMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(rankFile, StandardCharsets.US_ASCII)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            if (parts.length != 2) {
                throw new IOException(rankFile + ":" + lineNo + ": expected 'base64 rank'");
            }
            byRank.put(Integer.parseInt(parts[1]), ByteToUnicode.encode(Base64.getDecoder().decode(parts[0])));
        }
        Map<String, Integer> ranks = new HashMap<>(byRank.size() * 2);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        byRank.forEach((rank, token) -> {
            ranks.put(token, rank);
            vocab.put(token, rank);
        });
        List<String[]> merges = new ArrayList<>();
        byRank.forEach((rank, token) -> {
            if (token.length() > 1) {
                List<String> parts = bpe(token, rank, ranks);
                if (parts.size() != 2) {
                    throw new IllegalArgumentException("token of rank " + rank + " is not a merge of two lower ranks");
                }
                merges.add(new String[] {parts.get(0), parts.get(1)});
            }
        });
        return new ByteLevelBpe(vocab, merges, specialTokens, false);
    }

    /** tiktoken's merge rule restricted to ranks below {@code maxRank}. */
    private static List<String> bpe(String token, int maxRank, Map<String, Integer> ranks) {
        List<String> parts = new ArrayList<>(token.length());
        for (int i = 0; i < token.length(); i++) {
            parts.add(token.substring(i, i + 1));
        }
        while (true) {
            int bestRank = maxRank;
            int bestAt = -1;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer r = ranks.get(parts.get(i) + parts.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                return parts;
            }
            parts.set(bestAt, parts.get(bestAt) + parts.remove(bestAt + 1));
        }
    }
}
