package io.chard.cli;

/** What the CLI's exit status tells a script, one value per kind of outcome. */
enum ExitCode {
    /** Done (a task waited for succeeded). */
    OK(0),
    /** The task waited for failed, was revoked or cancelled. */
    TASK_FAILED(1),
    /** The command line, or what it asked for, was refused as bad input (picocli's usage errors; 400, 413, 422). */
    USAGE(2),
    /** Not signed in (no or a wrong CHARD_TOKEN) or without the permission: 401, 403. */
    REFUSED(3),
    /** No such task, execution or queue: 404. */
    NOT_FOUND(4),
    /** admin-api did not answer, or cannot serve now (503: Redis or PostgreSQL down); try again later. */
    UNAVAILABLE(5),
    /** The action does not apply in the current state (409: revoking an execution that ended). */
    CONFLICT(6),
    /** --wait gave up before the task ended (it may still run). */
    TIMED_OUT(7);

    final int status;

    ExitCode(int status) {
        this.status = status;
    }

    /** The exit code for an HTTP error status admin-api answered. */
    static ExitCode ofHttp(int status) {
        return switch (status) {
            case 401, 403 -> REFUSED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 400, 413, 422 -> USAGE;
            default -> UNAVAILABLE;
        };
    }
}
