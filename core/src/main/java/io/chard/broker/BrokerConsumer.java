package io.chard.broker;

import java.time.Duration;
import java.util.List;

/** A worker's side of the broker. Not shared between workers: it owns a blocking connection. */
public interface BrokerConsumer extends AutoCloseable {

    /**
     * Leases up to {@code max} executions from {@code queues} (earlier queues first).
     *
     * @return the deliveries and how long nothing more can be due
     */
    LeaseBatch lease(List<String> queues, int max, Duration leaseDuration);

    /** Settles in one atomic step; answers, in order, whether each report was accepted (false: stale lease). */
    List<Boolean> settle(List<Settlement> settlements);

    HeartbeatReply heartbeat(List<LeaseRef> leases, Duration leaseDuration, String registryEntry, Duration entryTtl);

    void release(List<LeaseRef> leases);

    /** False when the lease is no longer held. */
    boolean progress(LeaseRef lease, int percent, String step);

    /** Blocks until work may be waiting in one of {@code queues}, or {@code max} passes. */
    void awaitWork(List<String> queues, Duration max);

    /** Removes this worker from the registry. */
    void deregister();

    @Override
    void close();

    /** @param nextDueIn how long until a delayed execution is due or a lease may lapse; null when none is scheduled */
    record LeaseBatch(List<Delivery> deliveries, Duration nextDueIn) {
    }
}
