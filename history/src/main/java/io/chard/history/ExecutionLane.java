package io.chard.history;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The lists operators of Sidekiq and BullMQ expect beside the full history, each a condition on the history's row.
 * Each lane's status is fixed, so the {@code (status, queued_at, id)} list index (or V191's partial one) gives the
 * order.
 */
public enum ExecutionLane {
    /** Failed once, waiting for their backoff before the next attempt: "retry now" cuts it short. */
    RETRYING("status = 'retrying'"),
    /** Dispatched with a countdown or eta that has not come yet: "run now" or "revoke". */
    SCHEDULED("status = 'pending' AND eta > now()"),
    /** Failed after their retries and not discarded: "retry", "retry all matching", "discard all matching". */
    DEAD("status = 'failed' AND discarded_at IS NULL");

    final String condition;

    ExecutionLane(String condition) {
        this.condition = condition;
    }

    /** The lane's name in the API ({@code dead}, ...). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ExecutionLane> of(String key) {
        return Arrays.stream(values()).filter(lane -> lane.key().equals(key)).findFirst();
    }
}
