package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.history.ExecutionRecord;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the execution list; the arguments cut to {@link #PREVIEW} characters; {@code eta} the due time of a
 * countdown, an eta or a retry's backoff (the Scheduled and Retrying lists show it).
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExecutionSummary(UUID id, @Nullable String taskName, String status, String queue, int priority,
                               int retries, int deliveries, @Nullable String worker, int progress,
                               @Nullable String exceptionType, @Nullable Instant queuedAt,
                               @Nullable Instant startedAt, @Nullable Instant finishedAt,
                               @Nullable String argsPreview, @Nullable Instant eta) {
    /** Characters of the arguments' JSON text the list shows; the detail page has the rest. */
    static final int PREVIEW = 120;

    /** @param args the arguments' JSON text as shown ({@link Redactor}) */
    static ExecutionSummary of(ExecutionRecord r, @Nullable String args) {
        return new ExecutionSummary(r.id(), r.taskName(), r.status(), r.queue(), r.priority(), r.retries(),
                r.deliveries(), r.worker(), r.progress(), r.exceptionType(), r.queuedAt(), r.startedAt(),
                r.finishedAt(), preview(args), r.eta());
    }

    private static String preview(String args) {
        return args == null || args.length() <= PREVIEW ? args : args.substring(0, PREVIEW - 1) + "\u2026";
    }
}
