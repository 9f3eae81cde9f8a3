package dev.jgrad.cli.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jgrad.finetune.tokenize.Encoding;
import dev.jgrad.finetune.tokenize.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgrad tokenize}: one output line per input line, token ids or token strings. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenize each line of a text file.")
public final class TokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true,
            description = "tokenizer.json (or its directory), a .tiktoken rank file, or a BERT vocab.txt.")
    Path tokenizer;

    @Option(names = "--input", required = true, description = "UTF-8 text file, one text per line.")
    Path input;

    /** Exactly one of ids or tokens; ids when neither is given. */
    static final class What {
        @Option(names = "--ids", description = "Print token ids (the default).")
        boolean ids;

        @Option(names = "--tokens", description = "Print token strings.")
        boolean tokens;
    }

    @ArgGroup(exclusive = true)
    What what;

    @Option(names = "--json", description = "Print each line as a JSON array.")
    boolean json;

    @Option(names = "--no-special-tokens", description = "Do not add [CLS]/[SEP] or similar template tokens.")
    boolean noSpecialTokens;

    @Override
    public Integer call() {
        return CliText.run(spec, () -> {
            Tokenizer tok = TokenizerFiles.load(tokenizer);
            boolean tokens = what != null && what.tokens;
            PrintWriter out = spec.commandLine().getOut();
            for (String line : CliText.lines(input)) {
                Encoding e = tok.encode(line, !noSpecialTokens);
                out.println(format(e, tokens));
            }
            out.flush();
            return 0;
        });
    }

    private String format(Encoding e, boolean tokens) throws JsonProcessingException {
        if (json) {
            return CliText.JSON.writeValueAsString(tokens ? e.tokens() : e.ids());
        }
        if (tokens) {
            return String.join(" ", e.tokens());
        }
        return String.join(" ", Arrays.stream(e.ids()).mapToObj(Integer::toString).toList());
    }
}
