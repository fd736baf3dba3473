package io.chard.broker;

import io.chard.trace.Tracing;
import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a dispatch puts on the broker and a worker runs: JSON data only, never serialised Java objects.
 *
 * @param eta       not to start before (null: as soon as possible)
 * @param expires   not to start after (null: never expires)
 * @param retriedFrom the failed execution an operator retried as this one (null otherwise)
 * @param headers   context carried to the execution: {@code traceparent} (W3C); null in envelopes written before
 *                  headers existed. The broker stores the envelope as it is, so new headers need no script change.
 */
@Serdeable
public record Envelope(
        UUID id,
        String task,
        JsonNode args,
        JsonNode kwargs,
        String queue,
        int priority,
        @Nullable Instant eta,
        @Nullable Instant expires,
        @Nullable String idempotencyKey,
        Instant queuedAt,
        @Nullable UUID retriedFrom,
        @Nullable Map<String, String> headers) {

    @Creator
    public Envelope {
    }

    /** An envelope made now, on this thread: it carries the current trace ({@link Tracing#dispatchHeaders()}). */
    public Envelope(UUID id, String task, JsonNode args, JsonNode kwargs, String queue, int priority, Instant eta,
                    Instant expires, String idempotencyKey, Instant queuedAt, UUID retriedFrom) {
        this(id, task, args, kwargs, queue, priority, eta, expires, idempotencyKey, queuedAt, retriedFrom,
                Tracing.dispatchHeaders());
    }

    /** This envelope with one header more (or replaced). */
    public Envelope withHeader(String name, String value) {
        Map<String, String> more = headers == null ? new LinkedHashMap<>() : new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Envelope(id, task, args, kwargs, queue, priority, eta, expires, idempotencyKey, queuedAt,
                retriedFrom, more);
    }

    /**
     * An envelope with its JSON form, serialised once by the dispatcher (to check its size) for the broker.
     *
     * @param timeLimit the task's hard time limit (zero: none), stored beside the execution so that a
     *                  short-lived worker leases only what it can finish
     * @param unique    the lock of a unique task's dispatch (null: none, also for a workflow's members)
     */
    public record Encoded(Envelope envelope, String json, java.time.Duration timeLimit, @Nullable UniqueLock unique) {
        public Encoded(Envelope envelope, String json) {
            this(envelope, json, java.time.Duration.ZERO, null);
        }

        public Encoded withUnique(@Nullable UniqueLock lock) {
            return new Encoded(envelope, json, timeLimit, lock);
        }
    }
}
