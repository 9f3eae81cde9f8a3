package dev.jgrad.finetune.tokenize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Learns BPE merges from word counts, following Hugging Face's {@code BpeTrainer} step by step so that the
 * same corpus gives the same vocabulary and merges:
 * <ol>
 *   <li>special tokens get the first ids, in the order given;</li>
 *   <li>then the alphabet: every character of the corpus plus the initial alphabet, sorted by code point;</li>
 *   <li>each word becomes a list of character symbols (non-first ones carry the continuation prefix, if any);</li>
 *   <li>repeatedly the most frequent adjacent pair is merged into a new token, until the vocabulary is full
 *       or no pair occurs {@code minFrequency} times. Ties go to the pair with the smaller (left, right) ids.</li>
 * </ol>
 *
 * <p>Pair counts are updated incrementally: a merge only changes counts of pairs next to the merged one, in the
 * words that contained it. A priority queue holds candidate pairs; an entry whose count went stale is
 * re-queued with the current count when it surfaces (lazy deletion).
 */
public final class BpeTrainer {
    /**
     * Training settings.
     *
     * @param vocabSize final vocabulary size, special tokens and alphabet included
     * @param minFrequency pairs seen fewer times than this are never merged
     * @param specialTokens tokens given the first ids
     * @param initialAlphabet characters always in the alphabet (e.g. all 256 byte-level characters)
     * @param continuingSubwordPrefix prefix of non-initial symbols ({@code ##} for WordPiece), or {@code null}
     */
    public record Config(int vocabSize, int minFrequency, List<String> specialTokens, String initialAlphabet,
                         String continuingSubwordPrefix) {
        public Config {
            specialTokens = List.copyOf(specialTokens);
        }
    }

    /**
     * What training produced.
     *
     * @param vocab token to id, in id order
     * @param merges merged pairs in the order learned (their rank)
     */
    public record Result(Map<String, Integer> vocab, List<String[]> merges) {}

    /** One candidate merge in the queue, with the words it occurs in. */
    private record Candidate(long pair, long count, Set<Integer> words) {}

    private final Config config;
    private final Map<String, Integer> wordToId = new LinkedHashMap<>();
    private final List<String> idToWord = new ArrayList<>();

    private BpeTrainer(Config config) {
        this.config = config;
    }

    /** Trains on {@code wordCounts} (pre-tokenized words and how often each occurs). */
    public static Result train(Map<String, Long> wordCounts, Config config) {
        return new BpeTrainer(config).run(wordCounts);
    }

    /**
     * Trains a GPT-2 style byte-level BPE tokenizer on lines of text (all 256 byte characters are in the
     * alphabet, so any text can be encoded).
     */
    public static ByteLevelBpe trainByteLevel(Iterable<String> lines, int vocabSize, int minFrequency,
                                              List<String> specialTokens) {
        Map<String, Long> counts = new HashMap<>();
        byte[][] holder = new byte[1][];
        for (String line : lines) {
            ByteLevelPreTokenizer.split(line, 0, line.length(), (s, e) -> {
                holder[0] = line.substring(s, e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                counts.merge(ByteToUnicode.encode(holder[0]), 1L, Long::sum);
            });
        }
        Result r = train(counts, new Config(vocabSize, minFrequency, specialTokens, ByteToUnicode.alphabet(), null));
        Map<String, Integer> specials = new LinkedHashMap<>();
        Map<String, Integer> vocab = new LinkedHashMap<>(r.vocab());
        for (String t : specialTokens) {
            specials.put(t, vocab.remove(t));
        }
        return new ByteLevelBpe(vocab, r.merges(), specials, false);
    }

    private int idOf(String token) {
        return wordToId.computeIfAbsent(token, t -> {
            idToWord.add(t);
            return idToWord.size() - 1;
        });
    }

    private Result run(Map<String, Long> wordCounts) {
        config.specialTokens().forEach(this::idOf);
        TreeSet<Integer> alphabet = new TreeSet<>();
        config.initialAlphabet().codePoints().forEach(alphabet::add);
        // Sorted iteration makes ids of prefixed symbols (e.g. "##x") reproducible; HF assigns those in
        // hash-map order, so only their ids (not the learned tokens) may differ from HF.
        TreeMap<String, Long> sorted = new TreeMap<>(wordCounts);
        sorted.keySet().forEach(w -> w.codePoints().forEach(alphabet::add));
        alphabet.forEach(cp -> idOf(Character.toString(cp)));

        int[][] words = new int[sorted.size()][];
        long[] counts = new long[sorted.size()];
        int w = 0;
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            int[] cps = e.getKey().codePoints().toArray();
            words[w] = new int[cps.length];
            for (int i = 0; i < cps.length; i++) {
                String symbol = Character.toString(cps[i]);
                if (i > 0 && config.continuingSubwordPrefix() != null) {
                    symbol = config.continuingSubwordPrefix() + symbol;
                }
                words[w][i] = idOf(symbol);
            }
            counts[w++] = e.getValue();
        }

        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> whereToUpdate = new HashMap<>();
        for (w = 0; w < words.length; w++) {
            for (int i = 0; i + 1 < words[w].length; i++) {
                long pair = pair(words[w][i], words[w][i + 1]);
                pairCounts.merge(pair, counts[w], Long::sum);
                whereToUpdate.computeIfAbsent(pair, k -> new HashSet<>()).add(w);
            }
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> a.count() != b.count()
                ? Long.compare(b.count(), a.count())
                : Long.compare(a.pair(), b.pair())); // ids are non-negative, so this is (left, right) order
        enqueue(whereToUpdate, pairCounts, queue);

        List<String[]> merges = new ArrayList<>();
        int[] lengths = new int[words.length];
        for (w = 0; w < words.length; w++) {
            lengths[w] = words[w].length;
        }
        while (wordToId.size() < config.vocabSize() && !queue.isEmpty()) {
            Candidate top = queue.poll();
            long current = pairCounts.get(top.pair());
            if (top.count() != current) {
                queue.add(new Candidate(top.pair(), current, top.words()));
                continue;
            }
            if (top.count() < 1 || top.count() < config.minFrequency()) {
                break;
            }
            int left = (int) (top.pair() >>> 32);
            int right = (int) top.pair();
            String a = idToWord.get(left);
            String b = idToWord.get(right);
            String prefix = config.continuingSubwordPrefix();
            String newToken = a + (prefix != null && b.startsWith(prefix) ? b.substring(prefix.length()) : b);
            int newId = idOf(newToken);
            merges.add(new String[] {a, b});
            for (int word : top.words()) {
                lengths[word] = merge(words[word], lengths[word], left, right, newId, counts[word], word,
                        pairCounts, whereToUpdate);
            }
            enqueue(whereToUpdate, pairCounts, queue);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < idToWord.size(); id++) {
            vocab.put(idToWord.get(id), id);
        }
        return new Result(vocab, merges);
    }

    private static void enqueue(Map<Long, Set<Integer>> whereToUpdate, Map<Long, Long> pairCounts,
                                PriorityQueue<Candidate> queue) {
        whereToUpdate.forEach((pair, positions) -> {
            long count = pairCounts.get(pair);
            if (count > 0) {
                queue.add(new Candidate(pair, count, positions));
            }
        });
        whereToUpdate.clear();
    }

    /**
     * Replaces every (left, right) in {@code symbols[0, length)} with {@code merged}, scanning left to right,
     * and records how the counts of neighbouring pairs change. Returns the new length.
     */
    private static int merge(int[] symbols, int length, int left, int right, int merged, long count, int word,
                             Map<Long, Long> pairCounts, Map<Long, Set<Integer>> whereToUpdate) {
        int n = length;
        for (int i = 0; i < n; i++) {
            if (symbols[i] != left || i + 1 >= n || symbols[i + 1] != right) {
                continue;
            }
            if (i > 0) {
                change(pair(symbols[i - 1], left), -count, word, pairCounts, whereToUpdate);
                change(pair(symbols[i - 1], merged), count, word, pairCounts, whereToUpdate);
            }
            symbols[i] = merged;
            System.arraycopy(symbols, i + 2, symbols, i + 1, n - i - 2);
            n--;
            if (i < n - 1) {
                change(pair(right, symbols[i + 1]), -count, word, pairCounts, whereToUpdate);
                change(pair(merged, symbols[i + 1]), count, word, pairCounts, whereToUpdate);
            }
        }
        return n;
    }

    private static void change(long pair, long delta, int word, Map<Long, Long> pairCounts,
                               Map<Long, Set<Integer>> whereToUpdate) {
        pairCounts.merge(pair, delta, Long::sum);
        if (delta > 0) {
            whereToUpdate.computeIfAbsent(pair, k -> new HashSet<>()).add(word);
        }
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | right;
    }

}
