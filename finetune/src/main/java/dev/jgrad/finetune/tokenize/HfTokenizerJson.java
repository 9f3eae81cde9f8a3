package dev.jgrad.finetune.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Hugging Face {@code tokenizer.json} files for the two kinds we implement: byte-level BPE
 * (GPT-2 style: {@code "model": {"type": "BPE"}} with a {@code ByteLevel} pre-tokenizer) and WordPiece (BERT
 * style: {@code BertNormalizer}, {@code BertPreTokenizer}, {@code [CLS] $A [SEP]} template).
 *
 * <p>Anything else (another normalizer, a {@code Sequence} pre-tokenizer, a BPE template) is rejected with a
 * message naming the field, rather than loaded into a tokenizer that would silently encode differently.
 */
public final class HfTokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerJson() {}

    /** Loads a {@code tokenizer.json}. */
    public static Tokenizer load(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        JsonNode model = root.path("model");
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (JsonNode added : root.path("added_tokens")) {
            specials.put(added.path("content").asText(), added.path("id").asInt());
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        String type = model.path("type").asText();
        return switch (type) {
            case "BPE" -> loadBpe(file, root, model, vocab, specials);
            case "WordPiece" -> loadWordPiece(file, root, model, vocab, specials);
            default -> throw unsupported(file, "model.type", type);
        };
    }

    private static ByteLevelBpe loadBpe(Path file, JsonNode root, JsonNode model, Map<String, Integer> vocab,
                                        Map<String, Integer> specials) throws IOException {
        JsonNode pre = root.path("pre_tokenizer");
        if (!"ByteLevel".equals(pre.path("type").asText()) || !pre.path("use_regex").asBoolean(true)) {
            throw unsupported(file, "pre_tokenizer", pre.toString());
        }
        if (!root.path("normalizer").isNull() && !root.path("normalizer").isMissingNode()) {
            throw unsupported(file, "normalizer", root.path("normalizer").toString());
        }
        String post = root.path("post_processor").path("type").asText("");
        if (!post.isEmpty() && !post.equals("ByteLevel")) {
            throw unsupported(file, "post_processor", post);
        }
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            // Older files write "a b", newer ones ["a", "b"] (which allows spaces inside tokens).
            merges.add(m.isArray() ? new String[] {m.get(0).asText(), m.get(1).asText()} : m.asText().split(" ", 2));
        }
        return new ByteLevelBpe(vocab, merges, specials, pre.path("add_prefix_space").asBoolean(false));
    }

    private static WordPiece loadWordPiece(Path file, JsonNode root, JsonNode model, Map<String, Integer> vocab,
                                           Map<String, Integer> specials) throws IOException {
        JsonNode norm = root.path("normalizer");
        if (!"BertNormalizer".equals(norm.path("type").asText())) {
            throw unsupported(file, "normalizer", norm.toString());
        }
        String preType = root.path("pre_tokenizer").path("type").asText();
        if (!preType.equals("BertPreTokenizer")) {
            throw unsupported(file, "pre_tokenizer", preType);
        }
        boolean lowercase = norm.path("lowercase").asBoolean(true);
        JsonNode strip = norm.path("strip_accents");
        BertNormalizer normalizer = new BertNormalizer(norm.path("clean_text").asBoolean(true),
                norm.path("handle_chinese_chars").asBoolean(true),
                strip.isBoolean() ? strip.asBoolean() : lowercase, lowercase);
        String[] clsSep = template(file, root.path("post_processor"));
        return new WordPiece(vocab, model.path("unk_token").asText("[UNK]"),
                model.path("continuing_subword_prefix").asText("##"),
                model.path("max_input_chars_per_word").asInt(100), normalizer, specials, clsSep[0], clsSep[1]);
    }

    /** The first and last special token of the single-sequence template. */
    private static String[] template(Path file, JsonNode post) throws IOException {
        String type = post.path("type").asText("");
        switch (type) {
            case "" -> {
                return new String[] {null, null};
            }
            case "BertProcessing" -> {
                return new String[] {post.path("cls").get(0).asText(), post.path("sep").get(0).asText()};
            }
            case "TemplateProcessing" -> {
                List<String> specials = new ArrayList<>();
                for (JsonNode piece : post.path("single")) {
                    if (piece.has("SpecialToken")) {
                        specials.add(piece.path("SpecialToken").path("id").asText());
                    }
                }
                if (specials.size() != 2) {
                    throw unsupported(file, "post_processor.single", post.path("single").toString());
                }
                return specials.toArray(new String[0]);
            }
            default -> throw unsupported(file, "post_processor", type);
        }
    }

    private static IOException unsupported(Path file, String field, String value) {
        return new IOException(file + ": unsupported " + field + ": " + value
                + " (supported: byte-level BPE and BERT WordPiece)");
    }

    /** Writes {@code tokenizer} as a {@code tokenizer.json} that Hugging Face {@code tokenizers} can load. */
    public static void save(Tokenizer tokenizer, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        tokenizer.specialTokens().forEach((content, id) -> added.addObject()
                .put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true));
        if (tokenizer instanceof ByteLevelBpe bpe) {
            writeBpe(bpe, root);
        } else if (tokenizer instanceof WordPiece wp) {
            writeWordPiece(wp, root);
        } else {
            throw new IllegalArgumentException("cannot save " + tokenizer.getClass().getSimpleName());
        }
        writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    private static void writeBpe(ByteLevelBpe bpe, ObjectNode root) {
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", bpe.addPrefixSpace())
                .put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token").putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        putVocab(model, bpe.vocab());
        ArrayNode merges = model.putArray("merges");
        for (String[] m : bpe.merges()) {
            merges.addArray().add(m[0]).add(m[1]);
        }
    }

    private static void writeWordPiece(WordPiece wp, ObjectNode root) {
        BertNormalizer n = wp.normalizer();
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", n.cleanText())
                .put("handle_chinese_chars", n.handleChineseChars()).put("strip_accents", n.stripAccents())
                .put("lowercase", n.lowercase());
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        if (wp.clsToken() == null) {
            root.putNull("post_processor");
        } else {
            ObjectNode post = root.putObject("post_processor");
            post.put("type", "TemplateProcessing");
            ArrayNode single = post.putArray("single");
            special(single, wp.clsToken(), 0);
            sequence(single, "A", 0);
            special(single, wp.sepToken(), 0);
            ArrayNode pair = post.putArray("pair");
            special(pair, wp.clsToken(), 0);
            sequence(pair, "A", 0);
            special(pair, wp.sepToken(), 0);
            sequence(pair, "B", 1);
            special(pair, wp.sepToken(), 1);
            ObjectNode tokens = post.putObject("special_tokens");
            for (String t : List.of(wp.clsToken(), wp.sepToken())) {
                ObjectNode entry = tokens.putObject(t).put("id", t);
                entry.putArray("ids").add(wp.tokenToId(t));
                entry.putArray("tokens").add(t);
            }
        }
        root.putObject("decoder").put("type", "WordPiece").put("prefix", wp.prefix()).put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", wp.unkToken())
                .put("continuing_subword_prefix", wp.prefix())
                .put("max_input_chars_per_word", wp.maxInputCharsPerWord());
        putVocab(model, wp.vocab());
    }

    private static void special(ArrayNode template, String token, int typeId) {
        template.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }

    private static void putVocab(ObjectNode model, Map<String, Integer> vocab) {
        ObjectNode v = model.putObject("vocab");
        vocab.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> v.put(e.getKey(), e.getValue()));
    }

    /** Hugging Face {@code vocab.json} + {@code merges.txt} (the GPT-2 distribution format). */
    public static ByteLevelBpe loadVocabAndMerges(Path vocabJson, Path mergesTxt, Map<String, Integer> specials)
            throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        JSON.readTree(vocabJson.toFile()).properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String[]> merges = new ArrayList<>();
        for (String line : Files.readAllLines(mergesTxt)) {
            // The first line of GPT-2's merges.txt is a "#version" comment.
            if (!line.isBlank() && !line.startsWith("#version")) {
                merges.add(line.split(" ", 2));
            }
        }
        Map<String, Integer> vocabOnly = new LinkedHashMap<>(vocab);
        specials.keySet().forEach(vocabOnly::remove);
        return new ByteLevelBpe(vocabOnly, merges, specials, false);
    }

    /** Writes {@code vocab.json} and {@code merges.txt} for a byte-level BPE tokenizer into {@code dir}. */
    public static void saveVocabAndMerges(ByteLevelBpe bpe, Path dir) throws IOException {
        ObjectNode vocab = JSON.createObjectNode();
        bpe.vocab().entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> vocab.put(e.getKey(), e.getValue()));
        bpe.specialTokens().forEach(vocab::put);
        writeAtomically(dir.resolve("vocab.json"), JSON.writeValueAsBytes(vocab));
        String merges = "#version: 0.2\n" + String.join("\n", bpe.mergeLines()) + "\n";
        writeAtomically(dir.resolve("merges.txt"), merges.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Writes to a temporary file next to {@code file}, then renames it, so readers never see half a file. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
