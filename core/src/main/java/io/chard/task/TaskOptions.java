package io.chard.task;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.List;

/**
 * A task's declared options, with the process's defaults applied except for the queue and the retries: those two are
 * stored settings an operator may change while the process runs, so {@code declaredQueue} and
 * {@code declaredMaxRetries} are null when the task declares none, and {@code io.chard.client.TaskDefaults} fills
 * them in at each use. Zero durations mean "none"; {@code limit} is {@link FlowLimit#NONE} when the task declares no
 * rate limit or concurrency cap; {@code redaction} is {@link Redaction#NONE} when it hides no argument.
 */
public record TaskOptions(
        @Nullable String declaredQueue,
        int priority,
        @Nullable Integer declaredMaxRetries,
        List<Class<? extends Throwable>> autoretryFor,
        Backoff backoff,
        Duration softTimeLimit,
        Duration timeLimit,
        Duration expires,
        Uniqueness uniqueness,
        FlowLimit limit,
        Redaction redaction) {

    public TaskOptions {
        autoretryFor = List.copyOf(autoretryFor);
    }

    public boolean retriesOn(Throwable error) {
        return autoretryFor.stream().anyMatch(type -> type.isInstance(error));
    }
}
