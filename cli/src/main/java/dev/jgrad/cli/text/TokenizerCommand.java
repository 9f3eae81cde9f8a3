package dev.jgrad.cli.text;

import dev.jgrad.finetune.data.DatasetWriter;
import dev.jgrad.finetune.tokenize.BertNormalizer;
import dev.jgrad.finetune.tokenize.BpeTrainer;
import dev.jgrad.finetune.tokenize.ByteLevelBpe;
import dev.jgrad.finetune.tokenize.HfTokenizerJson;
import dev.jgrad.finetune.tokenize.Tiktoken;
import dev.jgrad.finetune.tokenize.Tokenizer;
import dev.jgrad.finetune.tokenize.WordPiece;
import dev.jgrad.finetune.tokenize.WordPieceTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgrad tokenizer}: tokenizer management; {@code jgrad tokenizer train} trains one from a corpus. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "Train tokenizers.",
        subcommands = TokenizerCommand.Train.class)
public final class TokenizerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // No action of its own: show what the subcommands are.
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The kinds of tokenizer that can be trained. */
    enum Kind { wordpiece, bpe }

    /** {@code jgrad tokenizer train}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a WordPiece or byte-level BPE tokenizer and save it in Hugging Face formats.")
    public static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--kind", required = true, description = "wordpiece or bpe.")
        Kind kind;

        @Option(names = "--vocab-size", required = true, description = "Vocabulary size, special tokens included.")
        int vocabSize;

        @Option(names = "--input", required = true, description = "UTF-8 corpus, one text per line.")
        Path input;

        @Option(names = "--out", required = true, description = "Output directory.")
        Path out;

        @Option(names = "--min-frequency", defaultValue = "2",
                description = "Never merge pairs seen fewer times (default: ${DEFAULT-VALUE}).")
        int minFrequency;

        @Option(names = "--cased", description = "WordPiece: keep case and accents (default: uncased).")
        boolean cased;

        @Override
        public Integer call() {
            return CliText.run(spec, () -> {
                if (vocabSize < 1) {
                    throw new CliText.InputException("--vocab-size must be positive, got " + vocabSize);
                }
                List<String> lines = CliText.lines(input);
                if (lines.stream().allMatch(String::isBlank)) {
                    throw new CliText.InputException(input + ": corpus is empty");
                }
                Files.createDirectories(out);
                Tokenizer trained;
                if (kind == Kind.bpe) {
                    ByteLevelBpe bpe = BpeTrainer.trainByteLevel(lines, vocabSize, minFrequency,
                            List.of(Tiktoken.END_OF_TEXT));
                    HfTokenizerJson.saveVocabAndMerges(bpe, out);
                    trained = bpe;
                } else {
                    WordPiece wp = WordPieceTrainer.train(lines, vocabSize, minFrequency,
                            cased ? BertNormalizer.cased() : BertNormalizer.uncased());
                    Path tmp = Files.createTempFile(out, ".vocab", ".tmp");
                    wp.saveVocabTxt(tmp);
                    DatasetWriter.writeAtomically(out.resolve("vocab.txt"), Files.readString(tmp));
                    Files.delete(tmp);
                    trained = wp;
                }
                trained.save(out.resolve("tokenizer.json"));
                spec.commandLine().getOut().printf("trained %s tokenizer: %d tokens -> %s%n", kind,
                        trained.vocabSize(), out.resolve("tokenizer.json"));
                spec.commandLine().getOut().flush();
                return 0;
            });
        }
    }

}
