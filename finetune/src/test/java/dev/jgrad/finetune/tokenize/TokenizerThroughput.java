package dev.jgrad.finetune.tokenize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark, not a test (surefire only runs {@code *Test} classes): single-thread encoding throughput of GPT-2
 * byte-level BPE and of a WordPiece tokenizer on the shared English corpus.
 *
 * <pre>
 * mvn -q -pl finetune -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp finetune/target/test-classes:finetune/target/classes:$(cat /tmp/cp.txt) \
 *     dev.jgrad.finetune.tokenize.TokenizerThroughput [corpus.txt]
 * </pre>
 */
public final class TokenizerThroughput {
    private TokenizerThroughput() {}

    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args.length > 0 ? args[0] : "../shared/data/corpus/corpus.txt");
        List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
        long bytes = Files.size(corpus);
        Path ranks = Path.of(args.length > 1 ? args[1] : "../shared/data/tokenizers/gpt2/r50k_base.tiktoken");
        measure("gpt2 byte-level BPE", Tiktoken.loadGpt2(ranks), lines, bytes);
        Path wordpiece = Path.of("finetune/src/test/resources/fixtures/tokenizers/wordpiece-tokenizer.json");
        if (Files.exists(wordpiece)) {
            measure("wordpiece (800 tokens)", HfTokenizerJson.load(wordpiece), lines, bytes);
        }
    }

    private static void measure(String name, Tokenizer tokenizer, List<String> lines, long bytes) {
        long tokens = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm up the JIT and the piece cache
            long start = System.nanoTime();
            tokens = 0;
            for (String line : lines) {
                tokens += tokenizer.encode(line, false).length();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s round %d: %.1f MB/s (%d tokens, %.2f s)%n", name, round, bytes / 1e6 / seconds,
                    tokens, seconds);
        }
    }
}
