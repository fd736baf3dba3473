package io.chard.history;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * Which executions an admin query means; null parts match everything.
 *
 * @param statuses any of these statuses
 * @param since    queued at or after
 * @param until    queued before
 * @param text     an id prefix, or part of the task name
 */
public record ExecutionFilter(@Nullable List<String> statuses, @Nullable String taskName, @Nullable String queue,
                              @Nullable Instant since, @Nullable Instant until, @Nullable String text) {

    public ExecutionFilter withStatuses(List<String> value) {
        return new ExecutionFilter(value, taskName, queue, since, until, text);
    }
}
