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
    /**
     * Failed after their retries, neither discarded nor retried by an operator yet (as Sidekiq's Dead set loses a
     * job it retries): "retry", "retry all matching", "discard all matching". The retry chain is read through the
     * {@code retried_from_id} index, one probe per row.
     */
    DEAD("status = 'failed' AND discarded_at IS NULL AND NOT EXISTS (SELECT 1 FROM " + HistoryStore.TABLE
            + " retry WHERE retry.retried_from_id = " + HistoryStore.TABLE + ".id)");

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
