package io.chard.worker;

import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.List;

/**
 * Settings of one worker process, under {@code chard.worker.*}.
 *
 * @param queues        queues to consume: in order of preference (an earlier queue is always emptied first), or
 *                      each with a weight, {@code critical:6,default:2,low:1}, to serve them by a weighted draw
 *                      per lease call (see {@link QueueOrder}); a malformed list stops the start-up
 * @param concurrency   tasks running at once (each on its own virtual thread)
 * @param prefetch      most executions leased beyond those running, so a finished slot refills without a round
 *                      trip; they count as started (their leases are renewed while they wait). The worker leases
 *                      ahead what it finishes in 10 ms, at least one and at most this (0: none; see {@link Slots})
 * @param leaseBatch    most executions leased by one call
 * @param pollInterval  longest idle wait before looking for due work again (delayed work wakes it sooner)
 * @param shutdownGrace how long a stopping worker lets running tasks finish before giving their leases back
 */
@ConfigurationProperties(ChardSettings.WORKER)
public record WorkerConfig(
        @Bindable(defaultValue = "false") boolean enabled,
        @Bindable(defaultValue = "default") List<String> queues,
        @Bindable(defaultValue = "16") int concurrency,
        @Bindable(defaultValue = "256") int prefetch,
        @Bindable(defaultValue = "256") int leaseBatch,
        @Bindable(defaultValue = "1s") Duration pollInterval,
        @Bindable(defaultValue = "30s") Duration shutdownGrace) {

    /**
     * Checks the settings at start-up, so a typo in a weight stops the worker instead of a lease call, and a count
     * that could run nothing (no run slot, a lease call of no executions) stops it instead of leaving work waiting.
     */
    public WorkerConfig {
        QueueOrder.parse(queues);
        atLeast("concurrency", concurrency, 1);
        atLeast("prefetch", prefetch, 0);
        atLeast("lease-batch", leaseBatch, 1);
    }

    private static void atLeast(String setting, int value, int least) {
        if (value < least) {
            throw new IllegalStateException("chard.worker." + setting + " must be at least " + least + ", got "
                    + value);
        }
    }

    /**
     * Refuses a poll interval the Redis timeout would cut short: an idle worker waits for work with a blocking pop
     * of up to the poll interval, a Redis command like any other, so Lettuce would fail every idle wait as a
     * timeout (an outage, with its backoff) and leave the pop blocking on the server ahead of the next one.
     */
    void requireWithin(Duration redisTimeout) {
        if (pollInterval.compareTo(redisTimeout) >= 0) {
            throw new IllegalStateException("chard.worker.poll-interval (" + pollInterval + ") must be shorter than "
                    + "chard.redis-timeout (" + redisTimeout + "): waiting for work is a blocking Redis command");
        }
    }

    /** The queues parsed: their names and how each lease call orders them. */
    QueueOrder queueOrder() {
        return QueueOrder.parse(queues);
    }
}
