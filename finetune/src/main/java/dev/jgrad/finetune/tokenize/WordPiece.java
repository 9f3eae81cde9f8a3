package dev.jgrad.finetune.tokenize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer.
 *
 * <p>Encoding: cut out special tokens; normalize ({@link BertNormalizer}); split into words
 * ({@link BertPreTokenizer}); then cut each word greedily, longest match first: take the longest prefix of the
 * word that is in the vocabulary, then the longest vocabulary entry for the rest written with the {@code ##}
 * continuation prefix, and so on. If some rest matches nothing, the whole word becomes {@code [UNK]} (not just
 * the rest), as in BERT. Finally {@code [CLS] ... [SEP]} is added around the sequence.
 */
public final class WordPiece implements Tokenizer {
    /** BERT's special tokens, in bert-base-uncased's id order. */
    public static final List<String> BERT_SPECIAL_TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private final Vocabulary tables;
    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final String unkToken;
    private final int unkId;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final BertNormalizer normalizer;
    private final SpecialTokens special;
    private final String clsToken;
    private final String sepToken;

    /**
     * @param vocab token to id (BERT vocabularies include the special tokens)
     * @param unkToken token for words that cannot be cut into vocabulary pieces
     * @param prefix continuation prefix, {@code ##} in BERT
     * @param maxInputCharsPerWord longer words become {@code [UNK]} outright (100 in BERT)
     * @param normalizer text normalization
     * @param specialTokens tokens matched verbatim in the input before normalization
     * @param clsToken token added first, or {@code null} for no template
     * @param sepToken token added after each text, or {@code null}
     */
    public WordPiece(Map<String, Integer> vocab, String unkToken, String prefix, int maxInputCharsPerWord,
                     BertNormalizer normalizer, Map<String, Integer> specialTokens, String clsToken,
                     String sepToken) {
        this.tables = new Vocabulary(vocab, specialTokens);
        this.vocab = tables.vocab;
        this.idToToken = tables.idToToken;
        this.unkToken = unkToken;
        Integer unk = vocab.getOrDefault(unkToken, specialTokens.get(unkToken));
        if (unk == null) {
            throw new IllegalArgumentException("unknown token " + unkToken + " is not in the vocabulary");
        }
        this.unkId = unk;
        this.prefix = prefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.normalizer = normalizer;
        this.special = tables.special;
        this.clsToken = clsToken;
        this.sepToken = sepToken;
    }

    /** A BERT tokenizer (uncased or cased) over a vocabulary whose special tokens are the BERT ones. */
    public static WordPiece bert(Map<String, Integer> vocab, boolean lowercase) {
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (String t : BERT_SPECIAL_TOKENS) {
            if (vocab.containsKey(t)) {
                specials.put(t, vocab.get(t));
            }
        }
        return new WordPiece(vocab, "[UNK]", "##", 100, lowercase ? BertNormalizer.uncased() : BertNormalizer.cased(),
                specials, "[CLS]", "[SEP]");
    }

    /** Loads a BERT {@code vocab.txt} (one token per line; the line number is the id). */
    public static WordPiece fromVocabTxt(Path vocabTxt, boolean lowercase) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            vocab.putIfAbsent(lines.get(i), i);
        }
        return bert(vocab, lowercase);
    }

    /** Writes {@code vocab.txt}: tokens in id order, one per line. */
    public void saveVocabTxt(Path vocabTxt) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String token : idToToken) {
            out.append(token == null ? "" : token).append('\n');
        }
        Files.writeString(vocabTxt, out, StandardCharsets.UTF_8);
    }

    /** The vocabulary (token to id). */
    public Map<String, Integer> vocab() {
        return Collections.unmodifiableMap(vocab);
    }

    /** The unknown token. */
    public String unkToken() {
        return unkToken;
    }

    /** The continuation prefix ({@code ##}). */
    public String prefix() {
        return prefix;
    }

    /** Words longer than this many characters become the unknown token. */
    public int maxInputCharsPerWord() {
        return maxInputCharsPerWord;
    }

    /** The normalization settings. */
    public BertNormalizer normalizer() {
        return normalizer;
    }

    /** The token put first, or {@code null}. */
    public String clsToken() {
        return clsToken;
    }

    /** The token put after each text, or {@code null}. */
    public String sepToken() {
        return sepToken;
    }

    @Override
    public Encoding encode(String text, boolean addSpecialTokens) {
        EncodingBuilder out = new EncodingBuilder();
        if (addSpecialTokens) {
            addTemplateToken(clsToken, out);
        }
        encodeInto(text, out);
        if (addSpecialTokens) {
            addTemplateToken(sepToken, out);
        }
        return out.build();
    }

    @Override
    public Encoding encodePair(String first, String second) {
        EncodingBuilder out = new EncodingBuilder();
        addTemplateToken(clsToken, out);
        encodeInto(first, out);
        addTemplateToken(sepToken, out);
        out.typeId(1);
        encodeInto(second, out);
        addTemplateToken(sepToken, out);
        return out.build();
    }

    private void addTemplateToken(String token, EncodingBuilder out) {
        if (token != null) {
            out.add(tokenToId(token), token, 0, 0);
        }
    }

    private void encodeInto(String text, EncodingBuilder out) {
        for (SpecialTokens.Segment seg : special.split(text)) {
            if (seg.specialId() >= 0) {
                out.add(seg.specialId(), idToToken[seg.specialId()], seg.start(), seg.end());
                continue;
            }
            NormalizedText normalized = normalizer.normalize(text, seg.start(), seg.end());
            String norm = normalized.text();
            BertPreTokenizer.split(norm, (s, e) -> encodeWord(norm, s, e, normalized, out));
        }
    }

    private void encodeWord(String norm, int start, int end, NormalizedText alignment, EncodingBuilder out) {
        if (norm.codePointCount(start, end) > maxInputCharsPerWord) {
            out.add(unkId, unkToken, alignment.inputStart(start), alignment.inputEnd(end - 1));
            return;
        }
        List<int[]> pieces = new ArrayList<>(); // {id, start, end} in normalized units
        int pos = start;
        while (pos < end) {
            int cut = end;
            int found = -1;
            while (cut > pos) {
                String piece = norm.substring(pos, cut);
                Integer id = vocab.get(pos > start ? prefix + piece : piece);
                if (id != null) {
                    found = id;
                    break;
                }
                cut -= Character.charCount(norm.codePointBefore(cut));
            }
            if (found < 0) {
                out.add(unkId, unkToken, alignment.inputStart(start), alignment.inputEnd(end - 1));
                return;
            }
            pieces.add(new int[] {found, pos, cut});
            pos = cut;
        }
        for (int[] p : pieces) {
            out.add(p[0], idToToken[p[0]], alignment.inputStart(p[1]), alignment.inputEnd(p[2] - 1));
        }
    }

    /**
     * Joins tokens with spaces, gluing {@code ##} continuations to the previous token, then applies Hugging
     * Face's cleanup of spaces before punctuation and in English contractions.
     */
    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (int id : ids) {
            if (skipSpecialTokens && special.isSpecial(id)) {
                continue;
            }
            String token = idToToken(id);
            if (!first) {
                token = token.startsWith(prefix) ? token.substring(prefix.length()) : " " + token;
            }
            out.append(cleanup(token));
            first = false;
        }
        return out.toString();
    }

    private static String cleanup(String token) {
        return token.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
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
}
