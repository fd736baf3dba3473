package io.chard.cli;

/** A command that cannot complete: its message goes to stderr and its code becomes the exit status. */
final class CliFailure extends RuntimeException {
    final ExitCode code;

    CliFailure(ExitCode code, String message) {
        super(message);
        this.code = code;
    }
}
