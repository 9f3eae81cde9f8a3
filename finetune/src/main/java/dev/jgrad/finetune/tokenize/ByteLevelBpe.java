package dev.jgrad.finetune.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level byte-pair encoding, the tokenizer of GPT-2 and its descendants.
 *
 * <p>Encoding a text: cut out special tokens; split the rest with GPT-2's pattern
 * ({@link ByteLevelPreTokenizer}); turn each piece into UTF-8 bytes, one initial symbol per byte (as the
 * {@link ByteToUnicode} character); then repeatedly merge the adjacent pair with the lowest merge rank until no
 * pair has one. Because every byte is in the vocabulary, there is no unknown token and decoding is exact.
 *
 * <p>Pieces repeat a lot in natural text, so finished pieces are cached; this is most of the speed.
 */
public final class ByteLevelBpe implements Tokenizer {
    private static final int CACHE_LIMIT = 200_000;

    private final Vocabulary tables;
    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final List<String[]> merges;
    /** (left id << 32 | right id) to (rank << 32 | merged id). */
    private final Map<Long, Long> mergeOfPair;
    private final int[] byteIds = new int[256];
    private final SpecialTokens special;
    private final boolean addPrefixSpace;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab token string (in {@link ByteToUnicode} characters) to id
     * @param merges pairs of token strings, in rank order (first merges first)
     * @param specialTokens special tokens to id; ids may extend past the vocabulary
     * @param addPrefixSpace whether to add a space before text that does not start with one, so the first word
     *     is tokenized like any other ({@code false} for GPT-2)
     */
    public ByteLevelBpe(Map<String, Integer> vocab, List<String[]> merges, Map<String, Integer> specialTokens,
                        boolean addPrefixSpace) {
        this.tables = new Vocabulary(vocab, specialTokens);
        this.vocab = tables.vocab;
        this.special = tables.special;
        this.idToToken = tables.idToToken;
        this.addPrefixSpace = addPrefixSpace;
        this.merges = List.copyOf(merges);
        mergeOfPair = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            Integer a = vocab.get(m[0]);
            Integer b = vocab.get(m[1]);
            Integer merged = vocab.get(m[0] + m[1]);
            if (a == null || b == null || merged == null) {
                throw new IllegalArgumentException("merge " + rank + " (" + m[0] + " " + m[1]
                        + ") uses a token missing from the vocabulary");
            }
            // putIfAbsent: if a pair is listed twice, its first (lowest) rank applies.
            mergeOfPair.putIfAbsent(pairKey(a, b), ((long) rank << 32) | merged);
        }
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(String.valueOf(ByteToUnicode.charOf(b)), -1);
        }
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** The vocabulary (token string to id), without special tokens. */
    public Map<String, Integer> vocab() {
        return java.util.Collections.unmodifiableMap(vocab);
    }

    /** The merges in rank order. */
    public List<String[]> merges() {
        return merges;
    }

    /** Whether a space is added before text that does not start with one. */
    public boolean addPrefixSpace() {
        return addPrefixSpace;
    }

    @Override
    public Encoding encode(String text, boolean addSpecialTokens) {
        // Byte-level BPE (GPT-2 style) has no template of special tokens to add.
        EncodingBuilder out = new EncodingBuilder();
        encodeInto(text, out);
        return out.build();
    }

    @Override
    public Encoding encodePair(String first, String second) {
        EncodingBuilder out = new EncodingBuilder();
        encodeInto(first, out);
        out.typeId(1);
        encodeInto(second, out);
        return out.build();
    }

    private void encodeInto(String text, EncodingBuilder out) {
        for (SpecialTokens.Segment seg : special.split(text)) {
            if (seg.specialId() >= 0) {
                out.add(seg.specialId(), idToToken[seg.specialId()], seg.start(), seg.end());
                continue;
            }
            if (addPrefixSpace && text.charAt(seg.start()) != ' ') {
                // Work on a copy with the space added; source index i is input offset i + start - 1, and the
                // added space itself gets the empty span at the segment start.
                String source = " " + text.substring(seg.start(), seg.end());
                ByteLevelPreTokenizer.split(source, 0, source.length(),
                        (s, e) -> emit(source, s, e, seg.start() - 1, 1, out));
            } else {
                ByteLevelPreTokenizer.split(text, seg.start(), seg.end(), (s, e) -> emit(text, s, e, 0, 0, out));
            }
        }
    }

    /**
     * Encodes the piece {@code source[start, end)}. Source index {@code i} is input offset {@code i + shift};
     * the first {@code added} source characters are not in the input and get the empty span after them.
     */
    private void emit(String source, int start, int end, int shift, int added, EncodingBuilder out) {
        // UTF-8 encode the piece, remembering for each byte the input span of the character it came from.
        byte[] bytes = new byte[(end - start) * 3 + 1];
        int[] byteStart = new int[bytes.length];
        int[] byteEnd = new int[bytes.length];
        int n = 0;
        for (int i = start; i < end; ) {
            int cp = source.codePointAt(i);
            int len = Character.charCount(cp);
            if (Character.isSurrogate((char) cp)) {
                cp = 0xFFFD; // a lone surrogate cannot be UTF-8 encoded; Rust strings cannot even hold one
            }
            int from = n;
            n = Utf8.put(cp, bytes, n);
            boolean isAdded = i < added;
            for (int k = from; k < n; k++) {
                byteStart[k] = isAdded ? added + shift : i + shift;
                byteEnd[k] = isAdded ? added + shift : i + len + shift;
            }
            i += len;
        }
        String word = ByteToUnicode.encode(bytes, 0, n);
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = bpe(bytes, n);
            if (cache.size() > CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(word, ids);
        }
        int pos = 0;
        for (int id : ids) {
            int len = idToToken[id].length(); // one character per byte
            out.add(id, idToToken[id], byteStart[pos], byteEnd[pos + len - 1]);
            pos += len;
        }
    }

    /** Merges the bytes of one piece into token ids. */
    private int[] bpe(byte[] bytes, int n) {
        int[] symbols = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            int id = byteIds[bytes[i] & 0xFF];
            if (id >= 0) { // a vocabulary trained without the full byte alphabet may lack some bytes
                symbols[count++] = id;
            }
        }
        while (count > 1) {
            long best = Long.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i + 1 < count; i++) {
                Long merge = mergeOfPair.get(pairKey(symbols[i], symbols[i + 1]));
                // Lowest rank wins; among equal ranks the leftmost, since we only replace on strictly lower.
                if (merge != null && merge < best) {
                    best = merge;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            symbols[bestAt] = (int) best;
            System.arraycopy(symbols, bestAt + 2, symbols, bestAt + 1, count - bestAt - 2);
            count--;
        }
        return Arrays.copyOf(symbols, count);
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            String token = idToToken(id);
            if (special.isSpecial(id)) {
                if (!skipSpecialTokens) {
                    bytes.writeBytes(token.getBytes(StandardCharsets.UTF_8));
                }
            } else {
                bytes.writeBytes(ByteToUnicode.decode(token));
            }
        }
        // Invalid sequences (a multi-byte character cut between ids) become U+FFFD, as in Hugging Face.
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return tables.size();
    }

    @Override
    public int tokenToId(String token) {
        return tables.id(token);
    }

    @Override
    public String idToToken(int id) {
        return tables.token(id);
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return special.asMap();
    }

    /** Merges as Hugging Face's {@code merges.txt} lines ({@code "a b"}). */
    List<String> mergeLines() {
        List<String> lines = new ArrayList<>(merges.size());
        for (String[] m : merges) {
            lines.add(m[0] + " " + m[1]);
        }
        return lines;
    }
}
