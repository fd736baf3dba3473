package io.chard.history;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Which executions an admin query means; null parts match everything.
 *
 * @param statuses      any of these statuses
 * @param since         queued at or after
 * @param until         queued before
 * @param text          an id prefix, or part of the task name
 * @param args          JSON the arguments contain ({@code @>}): an array, e.g. {@code ["e2e"]}
 * @param kwargs        JSON the keyword arguments contain, an object such as {@code {"user": 7}}
 * @param result        JSON the result contains (a scalar result must equal it)
 * @param error         words the exception message holds (full text, every word must be there)
 * @param worker        the worker of the last attempt, exactly
 * @param exceptionType the exception's class name, in full or without its package
 * @param lane          one of the operators' lists (Retrying, Scheduled, Dead)
 * @param workflow      the members of this canvas workflow (their {@code root_id})
 * @param traceId       the executions of this trace (W3C trace id, 32 hex digits; the partial index of V160)
 * @param ids           only these executions (an operator's selection)
 * @param argumentsHiddenFor tasks whose arguments are hidden from the admin views: a match on {@code args} or
 *                      {@code kwargs} leaves their executions out, since it would tell a hidden value
 */
public record ExecutionFilter(@Nullable List<String> statuses, @Nullable String taskName, @Nullable String queue,
                              @Nullable Instant since, @Nullable Instant until, @Nullable String text,
                              @Nullable String args, @Nullable String kwargs, @Nullable String result,
                              @Nullable String error, @Nullable String worker, @Nullable String exceptionType,
                              @Nullable ExecutionLane lane, @Nullable UUID workflow, @Nullable String traceId,
                              @Nullable List<UUID> ids, List<String> argumentsHiddenFor) {

    public ExecutionFilter {
        argumentsHiddenFor = List.copyOf(argumentsHiddenFor);
    }

    /** The filter of the list's first version: status, task, queue, time range and text. */
    public ExecutionFilter(@Nullable List<String> statuses, @Nullable String taskName, @Nullable String queue,
                           @Nullable Instant since, @Nullable Instant until, @Nullable String text) {
        this(statuses, taskName, queue, since, until, text, null, null, null, null, null, null, null, null, null,
                null, List.of());
    }

    public ExecutionFilter withStatuses(List<String> value) {
        return new ExecutionFilter(value, taskName, queue, since, until, text, args, kwargs, result, error, worker,
                exceptionType, lane, workflow, traceId, ids, argumentsHiddenFor);
    }

    public ExecutionFilter withIds(List<UUID> value) {
        return new ExecutionFilter(statuses, taskName, queue, since, until, text, args, kwargs, result, error, worker,
                exceptionType, lane, workflow, traceId, value, argumentsHiddenFor);
    }

    public ExecutionFilter withLane(ExecutionLane value) {
        return new ExecutionFilter(statuses, taskName, queue, since, until, text, args, kwargs, result, error, worker,
                exceptionType, value, workflow, traceId, ids, argumentsHiddenFor);
    }
}
