package dev.jgrad.cli.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jgrad.finetune.data.DatasetException;
import dev.jgrad.finetune.data.DatasetReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** What the text commands share: reading line files, reporting errors, JSON output. */
final class CliText {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Exit code for bad input (a usage error is picocli's 2). */
    static final int BAD_INPUT = 1;

    private CliText() {}

    /** A user-facing problem; its message is printed as-is, with no stack trace. */
    static final class InputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InputException(String message) {
            super(message);
        }
    }

    /**
     * Runs a command body, turning input problems into a one-line message on stderr and a non-zero exit code.
     */
    static int run(CommandLine.Model.CommandSpec spec, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return body.call();
        } catch (InputException | DatasetException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
        } catch (Exception e) {
            err.println("error: " + e);
        }
        err.flush();
        return BAD_INPUT;
    }

    /** The lines of a UTF-8 text file (a final newline does not make an extra empty line). */
    static List<String> lines(Path file) {
        String content = DatasetReader.readUtf8(file);
        List<String> out = new ArrayList<>(List.of(content.split("\r?\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
