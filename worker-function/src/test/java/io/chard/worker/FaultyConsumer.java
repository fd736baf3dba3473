package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Delivery;
import io.chard.broker.HeartbeatReply;
import io.chard.broker.LeaseRef;
import io.chard.broker.Settlement;

import java.time.Duration;
import java.util.List;

/**
 * A real consumer that a fault test can break: a hook before each heartbeat (it can throw or stall), and
 * switches that make leasing, heartbeats or settling fail as they do while Redis is unreachable.
 */
final class FaultyConsumer implements BrokerConsumer {
    /** Runs on the heartbeat's thread with the leases it is about to renew. */
    @FunctionalInterface
    interface HeartbeatHook {
        void before(List<LeaseRef> leases) throws InterruptedException;
    }

    /** Settles in place of the real call, which it is given: a test can settle part of a batch and then fail. */
    @FunctionalInterface
    interface SettleHook {
        List<Boolean> settle(List<Settlement> settlements, BrokerConsumer real);
    }

    /** Runs on the lease loop's thread with what a lease call leased, before the worker is handed it. */
    @FunctionalInterface
    interface LeaseHook {
        void after(List<Delivery> leased) throws InterruptedException;
    }

    private final BrokerConsumer real;
    private volatile HeartbeatHook beforeHeartbeat = leases -> { };
    private volatile LeaseHook afterLease = leased -> { };
    private volatile SettleHook settleWith = (settlements, real) -> real.settle(settlements);
    volatile boolean leaseDown;
    volatile boolean heartbeatDown;
    volatile boolean settleDown;

    FaultyConsumer(BrokerConsumer real) {
        this.real = real;
    }

    void beforeHeartbeat(HeartbeatHook hook) {
        this.beforeHeartbeat = hook;
    }

    void afterLease(LeaseHook hook) {
        this.afterLease = hook;
    }

    void settleWith(SettleHook hook) {
        this.settleWith = hook;
    }

    @Override
    public LeaseBatch lease(List<String> queues, int max, Duration leaseDuration, Fit fit) {
        failIf(leaseDown);
        return handedOver(real.lease(queues, max, leaseDuration, fit));
    }

    /** The real lease behind the real wait, with the same faults as a lease call. */
    @Override
    public LeaseBatch awaitThenLease(List<String> queues, int max, Duration leaseDuration, Fit fit, Duration wait) {
        failIf(leaseDown);
        return handedOver(real.awaitThenLease(queues, max, leaseDuration, fit, wait));
    }

    private LeaseBatch handedOver(LeaseBatch batch) {
        try {
            afterLease.after(batch.deliveries());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return batch;
    }

    @Override
    public List<IdLease> leaseIds(List<java.util.UUID> ids, Duration leaseDuration, Fit fit) {
        failIf(leaseDown);
        return real.leaseIds(ids, leaseDuration, fit);
    }

    @Override
    public List<Boolean> settle(List<Settlement> settlements) {
        failIf(settleDown);
        return settleWith.settle(settlements, real);
    }

    @Override
    public HeartbeatReply heartbeat(List<LeaseRef> leases, Duration leaseDuration, String registryEntry,
                                    Duration entryTtl) {
        try {
            beforeHeartbeat.before(leases);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failIf(heartbeatDown);
        return real.heartbeat(leases, leaseDuration, registryEntry, entryTtl);
    }

    @Override
    public void release(List<LeaseRef> leases) {
        real.release(leases);
    }

    @Override
    public boolean progress(LeaseRef lease, int percent, String step) {
        return real.progress(lease, percent, step);
    }

    @Override
    public void awaitWork(List<String> queues, Duration max) {
        failIf(leaseDown);
        real.awaitWork(queues, max);
    }

    @Override
    public void deregister() {
        real.deregister();
    }

    @Override
    public void close() {
        real.close();
    }

    private static void failIf(boolean down) {
        if (down) {
            throw new BrokerUnavailableException("Redis is unavailable (cut by the test)", null);
        }
    }
}
