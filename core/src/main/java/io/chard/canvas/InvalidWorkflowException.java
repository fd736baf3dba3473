package io.chard.canvas;

/**
 * A workflow refused before anything was enqueued, naming the JSON path of the offending node ({@code $.chain[2]})
 * and the refusal of that node's dispatch ({@code UnknownTaskException}, {@code ArgumentBindingException},
 * {@code InvalidDispatchException}, {@code PayloadTooLargeException}), or none for a malformed shape.
 */
public final class InvalidWorkflowException extends RuntimeException {
    private final String path;

    public InvalidWorkflowException(String path, String message, RuntimeException cause) {
        super(path + ": " + message, cause);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
