package io.chard.history;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code background_tasks_task_execution}; JSON columns (args, kwargs, result, timeline) as JSON text. */
public record ExecutionRecord(
        UUID id,
        @Nullable String taskId,
        @Nullable String taskName,
        String status,
        String queue,
        int priority,
        @Nullable String args,
        @Nullable String kwargs,
        @Nullable String result,
        @Nullable String traceback,
        @Nullable String exceptionType,
        @Nullable String exceptionMessage,
        @Nullable String revokeReason,
        @Nullable String worker,
        int retries,
        int deliveries,
        int staleReports,
        int progress,
        @Nullable String progressStep,
        @Nullable UUID retriedFromId,
        @Nullable Instant queuedAt,
        @Nullable Instant eta,
        @Nullable Instant expiresAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant heartbeatAt,
        String timeline,
        Instant updatedAt,
        @Nullable String traceId,
        @Nullable UUID rootId) {
}
