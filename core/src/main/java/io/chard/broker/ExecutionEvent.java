package io.chard.broker;

import io.micronaut.core.annotation.Nullable;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The event types the Lua scripts append to the event stream (a {@link BrokerEvent}'s {@code type}), each with
 * the status it leaves the execution in, or none when it changes no status. A test checks every name the
 * scripts emit against this enum.
 */
public enum ExecutionEvent {
    ENQUEUED(ExecutionStatus.PENDING),
    STARTED(ExecutionStatus.RUNNING),
    /** Still running: it also undoes a sweep that marked the execution stuck while the history lagged behind. */
    HEARTBEAT(ExecutionStatus.RUNNING),
    PROGRESS(null),
    SUCCEEDED(ExecutionStatus.SUCCESS),
    FAILED(ExecutionStatus.FAILED),
    RETRYING(ExecutionStatus.RETRYING),
    REVOKED(ExecutionStatus.REVOKED),
    /** A running execution was flagged; its worker stops it at its next heartbeat. */
    REVOKE_REQUESTED(null),
    /** Its worker went silent and the lease lapsed: back in the queue. */
    LEASE_EXPIRED(ExecutionStatus.PENDING),
    /** Given back by a stopping worker: back in the queue at its old place. */
    RELEASED(ExecutionStatus.PENDING),
    /** A report from a worker whose lease was taken over; it changed nothing. */
    STALE(null),
    /** An operator made an execution that waited for its due time ready now ("run now", "retry now"). */
    PROMOTED(null),
    /** A waiting workflow member got its predecessors' values (its new envelope) and went to its queue. */
    JOINED(ExecutionStatus.PENDING),
    /** A waiting workflow member that will never run: a step before it failed (see workflow.lua). */
    CANCELLED(ExecutionStatus.CANCELLED);

    /** The recorder looks up every event it reads (up to 5,000 a batch): a map, not a scan. */
    private static final Map<String, ExecutionEvent> BY_VALUE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ExecutionEvent::value, Function.identity()));

    private final ExecutionStatus status;

    ExecutionEvent(@Nullable ExecutionStatus status) {
        this.status = status;
    }

    /** The status the execution has after this event; empty when the event changes no status. */
    public Optional<ExecutionStatus> status() {
        return Optional.ofNullable(status);
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The event named {@code type}; empty for a name this version does not know (written by a newer Chard). */
    public static Optional<ExecutionEvent> of(String type) {
        return Optional.ofNullable(BY_VALUE.get(type));
    }
}
