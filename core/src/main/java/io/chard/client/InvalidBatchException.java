package io.chard.client;

/**
 * One request of a batch was refused before anything was enqueued: {@link #index()} is its position (from 0), the
 * cause is the refusal its own dispatch would get ({@code UnknownTaskException}, {@code ArgumentBindingException},
 * {@code InvalidDispatchException}, {@code PayloadTooLargeException}).
 */
public final class InvalidBatchException extends RuntimeException {
    private final int index;

    public InvalidBatchException(int index, RuntimeException refusal) {
        super("request " + index + ": " + refusal.getMessage(), refusal);
        this.index = index;
    }

    public int index() {
        return index;
    }

    public RuntimeException refusal() {
        return (RuntimeException) getCause();
    }
}
