package io.chard.test;

/** A task run inline threw a checked exception; it is the cause. Unchecked ones reach the dispatcher as they are. */
public final class InlineTaskException extends RuntimeException {
    public InlineTaskException(String task, Throwable cause) {
        super("task " + task + " failed: " + cause, cause);
    }
}
