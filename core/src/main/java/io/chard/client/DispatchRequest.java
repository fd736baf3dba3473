package io.chard.client;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

import java.time.Duration;
import java.time.Instant;

/**
 * A dispatch, with the options of the HTTP API. Unset options take the task's declared ones.
 *
 * @param args           positional arguments (a JSON array) or null
 * @param kwargs         named arguments (a JSON object) or null
 * @param priority       0-9, higher first
 * @param countdown      start no sooner than this after dispatch
 * @param eta            start no sooner than this instant (the later of countdown and eta wins)
 * @param expires        do not start after this instant
 * @param idempotencyKey a second dispatch with the same key inside the window returns the first execution
 * @param retriedFrom    the execution this one retries (set by an operator's retry; shown as the retry chain)
 */
public record DispatchRequest(
        String task,
        @Nullable JsonNode args,
        @Nullable JsonNode kwargs,
        @Nullable String queue,
        @Nullable Integer priority,
        @Nullable Duration countdown,
        @Nullable Instant eta,
        @Nullable Instant expires,
        @Nullable String idempotencyKey,
        @Nullable java.util.UUID retriedFrom) {

    public static DispatchRequest of(String task, JsonNode args) {
        return new DispatchRequest(task, args, null, null, null, null, null, null, null, null);
    }

    public DispatchRequest withKwargs(JsonNode value) {
        return new DispatchRequest(task, args, value, queue, priority, countdown,
                eta, expires, idempotencyKey, retriedFrom);
    }

    public DispatchRequest withQueue(String value) {
        return new DispatchRequest(task, args, kwargs, value, priority, countdown,
                eta, expires, idempotencyKey, retriedFrom);
    }

    public DispatchRequest withPriority(int value) {
        return new DispatchRequest(task, args, kwargs, queue, value, countdown,
                eta, expires, idempotencyKey, retriedFrom);
    }

    public DispatchRequest withCountdown(Duration value) {
        return new DispatchRequest(task, args, kwargs, queue, priority, value,
                eta, expires, idempotencyKey, retriedFrom);
    }

    public DispatchRequest withEta(Instant value) {
        return new DispatchRequest(task, args, kwargs, queue, priority, countdown,
                value, expires, idempotencyKey, retriedFrom);
    }

    public DispatchRequest withExpires(Instant value) {
        return new DispatchRequest(task, args, kwargs, queue, priority, countdown,
                eta, value, idempotencyKey, retriedFrom);
    }

    public DispatchRequest withRetriedFrom(java.util.UUID value) {
        return new DispatchRequest(task, args, kwargs, queue, priority, countdown,
                eta, expires, idempotencyKey, value);
    }

    public DispatchRequest withIdempotencyKey(String value) {
        return new DispatchRequest(task, args, kwargs, queue, priority, countdown, eta, expires, value, retriedFrom);
    }
}
