package io.chard.task;

import java.time.Duration;
import java.util.List;

/**
 * A task's declared options, with the configured defaults already applied. Zero durations mean "none"; {@code limit}
 * is {@link FlowLimit#NONE} when the task declares no rate limit or concurrency cap.
 */
public record TaskOptions(
        String queue,
        int priority,
        int maxRetries,
        List<Class<? extends Throwable>> autoretryFor,
        Backoff backoff,
        Duration softTimeLimit,
        Duration timeLimit,
        Duration expires,
        Uniqueness uniqueness,
        FlowLimit limit) {

    public TaskOptions {
        autoretryFor = List.copyOf(autoretryFor);
    }

    public boolean retriesOn(Throwable error) {
        return autoretryFor.stream().anyMatch(type -> type.isInstance(error));
    }
}
