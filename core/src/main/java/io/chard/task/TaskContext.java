package io.chard.task;

import io.chard.trace.TraceParent;
import io.chard.trace.Tracing;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * What a running task may know and ask of its execution. Declare a parameter of this type on a task
 * method to receive it; it is never bound from the dispatched arguments.
 */
public interface TaskContext {

    UUID executionId();

    String taskName();

    /** 1 on the first run; grows with each retry (not with redeliveries after a lost lease). */
    int attempt();

    /** How many retries this execution has had so far. */
    int retries();

    /** Publishes progress (0-100) and an optional step label, visible in the history and the admin app. */
    void progress(int percent, String step);

    /**
     * Asks for this execution to run again after {@code countdown}. Throws the exception the task must let
     * propagate; use {@code throw ctx.retry(...)} so the compiler sees the method ends there.
     */
    RetryRequested retry(Duration countdown);

    /** True once the execution was revoked while running: stop at the next safe point. */
    boolean cancelled();

    /** Throws {@link TaskCancelled} when the execution was revoked or its soft time limit passed. */
    void checkCancelled();

    /** True once the soft time limit passed; the thread has also been interrupted. */
    boolean softTimeLimitExceeded();

    /**
     * The W3C trace this execution belongs to (from the dispatching request or task), for a task that calls
     * other services and hands the trace on; empty for an envelope dispatched before traces were carried.
     */
    default Optional<TraceParent> trace() {
        return Tracing.current();
    }
}
