/** The {@code jgrad} command: {@link dev.jgrad.cli.Main} wires the subcommands, one class each. */
package dev.jgrad.cli;
