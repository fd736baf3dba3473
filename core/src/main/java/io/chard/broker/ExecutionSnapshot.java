package io.chard.broker;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.UUID;

/** The broker's live view of one execution (kept for the result TTL after it ends). */
public record ExecutionSnapshot(
        UUID id,
        String envelope,
        ExecutionStatus status,
        String queue,
        int progress,
        @Nullable String step,
        @Nullable String resultJson,
        @Nullable String exceptionType,
        @Nullable String message,
        @Nullable String traceback,
        @Nullable String reason,
        int retries,
        int deliveries,
        @Nullable String worker,
        @Nullable Instant queuedAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant eta) {
}
