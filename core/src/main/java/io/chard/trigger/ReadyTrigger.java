package io.chard.trigger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Tells a queue trigger (SQS, for queues whose workers are functions invoked per message) that executions
 * became ready, after the Redis script that made them ready returned. Redis stays the one source of truth: a
 * trigger that fails loses nothing, since the timer drain leases what is ready anyway. Implementations never
 * throw; they log and count what they could not send.
 */
@FunctionalInterface
public interface ReadyTrigger {

    /** Triggers nothing: every queue is consumed by long-lived or timer-driven workers. */
    ReadyTrigger NONE = ready -> { };

    void ready(List<Ready> ready);

    /**
     * @param delay how long from now the execution is due (zero: now); countdowns, etas and retry backoff
     */
    record Ready(UUID id, String queue, Duration delay) {
    }
}
