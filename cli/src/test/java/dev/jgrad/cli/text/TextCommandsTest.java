package dev.jgrad.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path GPT2 = Path.of("../../shared/data/tokenizers/gpt2/r50k_base.tiktoken");

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void scoreClassificationAsJson() throws IOException {
        Path p = write("p.txt", "cat\ndog\ncat\nbird\n");
        Path r = write("r.txt", "cat\ndog\ndog\nbird\n");
        CommandRunner run = CommandRunner.run(new ScoreCommand(), "--predictions", p.toString(), "--references",
                r.toString(), "--metrics", "accuracy,f1", "--average", "macro", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode result = JSON.readTree(run.out());
        assertEquals(0.75, result.path("accuracy").asDouble(), 1e-12);
        // per class F1: bird 1, cat 2/3, dog 2/3
        assertEquals((1 + 2.0 / 3 + 2.0 / 3) / 3, result.path("f1_macro").asDouble(), 1e-12);
        assertEquals(1, run.out().strip().lines().count());
    }

    @Test
    void scoreRegressionAndTextMetrics() throws IOException {
        Path p = write("p.txt", "2.5\n0.0\n2\n8\n");
        Path r = write("r.txt", "3\n-0.5\n2\n7\n");
        CommandRunner run = CommandRunner.run(new ScoreCommand(), "--predictions", p.toString(), "--references",
                r.toString(), "--metrics", "mse,r2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("mse                  0.375000"), run.out());
        assertTrue(run.out().contains("r2                   0.948608"), run.out());
        Path hyp = write("h.txt", "the cat sat on the mat\n\n");
        Path ref = write("ref.txt", "the cat sat on the mat\nsomething\n");
        CommandRunner text = CommandRunner.run(new ScoreCommand(), "--predictions", hyp.toString(), "--references",
                ref.toString(), "--metrics", "bleu,rouge1,rougeL", "--json");
        JsonNode result = JSON.readTree(text.out());
        assertEquals(0.5, result.path("rouge1_fmeasure").asDouble(), 1e-12);
        assertTrue(result.has("rougeL_precision") && result.has("bleu"));
    }

    @Test
    void scoreErrorsNameFileAndLine() throws IOException {
        Path p = write("p.txt", "1\nabc\n");
        Path r = write("r.txt", "1\n2\n");
        CommandRunner run = CommandRunner.run(new ScoreCommand(), "--predictions", p.toString(), "--references",
                r.toString(), "--metrics", "mae");
        assertEquals(1, run.exitCode());
        assertEquals("error: " + p + ":2: 'abc' is not a number", run.err().strip());
        assertEquals("", run.out());
        Path shorter = write("s.txt", "1\n");
        CommandRunner mismatch = CommandRunner.run(new ScoreCommand(), "--predictions", shorter.toString(),
                "--references", r.toString(), "--metrics", "accuracy");
        assertTrue(mismatch.err().contains("has 1 lines but"), mismatch.err());
        CommandRunner unknown = CommandRunner.run(new ScoreCommand(), "--predictions", p.toString(), "--references",
                r.toString(), "--metrics", "wer");
        assertTrue(unknown.err().contains("unknown metric 'wer'"));
        assertNotEquals(0, CommandRunner.run(new ScoreCommand(), "--predictions", p.toString()).exitCode());
    }

    @Test
    void splitWritesDeterministicFilesWithAllColumns() throws IOException {
        StringBuilder csv = new StringBuilder("id,text,label\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(",\"text, number ").append(i).append("\",").append(i % 4 == 0 ? "spam" : "ham")
                    .append('\n');
        }
        Path input = write("data.csv", csv.toString());
        String[] args = {input.toString(), "--ratios", "0.5,0.25,0.25", "--seed", "3", "--stratify", "--out",
            dir.resolve("out").toString()};
        CommandRunner run = CommandRunner.run(new SplitCommand(), args);
        assertEquals(0, run.exitCode(), run.err());
        List<String> train = Files.readAllLines(dir.resolve("out/train.csv"));
        assertEquals("id,text,label", train.get(0));
        assertEquals(21, train.size());
        assertEquals(5, train.stream().filter(l -> l.endsWith(",spam")).count());
        // per label, cumulative rounding: spam 10 -> 5/3/2, ham 30 -> 15/8/7
        assertEquals(1 + 9, Files.readAllLines(dir.resolve("out/test.csv")).size());
        String first = Files.readString(dir.resolve("out/validation.csv"));
        CommandRunner.run(new SplitCommand(), args);
        assertEquals(first, Files.readString(dir.resolve("out/validation.csv")));
        CommandRunner bad = CommandRunner.run(new SplitCommand(), write("bad.csv", "text\nx\n").toString(),
                "--stratify", "--out", dir.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("bad.csv:1: missing column 'label'"), bad.err());
    }

    @Test
    void trainThenTokenize() throws IOException {
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            corpus.append("the quick brown fox jumps over the lazy dog ").append(i).append('\n');
        }
        Path input = write("corpus.txt", corpus.toString());
        for (String kind : List.of("bpe", "wordpiece")) {
            Path out = dir.resolve(kind);
            CommandRunner train = CommandRunner.run(new TokenizerCommand(), "train", "--kind", kind, "--vocab-size",
                    "300", "--input", input.toString(), "--out", out.toString());
            assertEquals(0, train.exitCode(), train.err());
            assertTrue(Files.exists(out.resolve("tokenizer.json")));
            Path text = write(kind + ".txt", "the lazy fox\nquick dog\n");
            CommandRunner tok = CommandRunner.run(new TokenizeCommand(), "--tokenizer", out.toString(), "--input",
                    text.toString(), "--tokens", "--no-special-tokens");
            assertEquals(0, tok.exitCode(), tok.err());
            List<String> lines = tok.out().lines().toList();
            assertEquals(2, lines.size());
            assertEquals(kind.equals("bpe") ? "the Ġlazy Ġfox" : "the lazy fox", lines.get(0));
        }
        assertTrue(Files.exists(dir.resolve("bpe/merges.txt")) && Files.exists(dir.resolve("wordpiece/vocab.txt")));
        assertEquals(2, CommandRunner.run(new TokenizerCommand(), "train", "--kind", "unigram").exitCode());
    }

    @Test
    void tokenizeGpt2IdsAsJson() throws IOException {
        Assumptions.assumeTrue(Files.exists(GPT2), "GPT-2 ranks not found at " + GPT2.toAbsolutePath());
        Path text = write("t.txt", "Hello world! It's a test\n\n");
        CommandRunner run = CommandRunner.run(new TokenizeCommand(), "--tokenizer", GPT2.toString(), "--input",
                text.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("[15496,995,0,632,338,257,1332]", "[]"), run.out().lines().toList());
        CommandRunner plain = CommandRunner.run(new TokenizeCommand(), "--tokenizer", GPT2.toString(), "--input",
                text.toString(), "--ids");
        assertEquals("15496 995 0 632 338 257 1332", plain.out().lines().findFirst().orElseThrow());
        CommandRunner missing = CommandRunner.run(new TokenizeCommand(), "--tokenizer", "nope.json", "--input",
                text.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("nope.json: tokenizer file not found"));
    }
}
