package dev.jgrad.cli;

import dev.jgrad.cli.text.ScoreCommand;
import dev.jgrad.cli.text.SplitCommand;
import dev.jgrad.cli.text.TokenizeCommand;
import dev.jgrad.cli.text.TokenizerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jgrad} command. Each subcommand is its own class; this one only wires them together and turns
 * failures into one clear line on stderr and a non-zero exit code (no stack traces for bad input).
 */
@Command(name = "jgrad", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A deep learning engine written from scratch in pure Java.",
        subcommands = {InfoCommand.class, BenchCommand.class, InspectCommand.class, SplitCommand.class, TokenizeCommand.class, TokenizerCommand.class,
                ScoreCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("jgrad " + commandLine.getCommandName() + ": " + message(e));
            if (System.getenv("JGRAD_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        try {
            return cli.execute(args);
        } catch (ExceptionInInitializerError e) { // a bad -Djgrad.* setting, found as a backend class loaded
            cli.getErr().println("jgrad: " + message(e.getCause() == null ? e : e.getCause()));
            if (System.getenv("JGRAD_DEBUG") != null) e.printStackTrace(cli.getErr());
            return 1;
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** {@code jgrad --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jgrad " + dev.jgrad.engine.SystemInfo.version()};
        }
    }
}
