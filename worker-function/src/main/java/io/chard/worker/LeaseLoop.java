package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerConsumer.LeaseBatch;
import io.chard.broker.BrokerUnavailableException;
import io.chard.loop.Outage;
import io.chard.random.RestoreSafeRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Fills free slots: each round leases as many executions as slots are free (one call) and hands them on to
 * run; after a round that found nothing ready, the next blocks on the queues' wake-up list until work arrives, a
 * delayed execution falls due, or the poll interval passes, and then leases, in one trip where the broker can
 * ({@link BrokerConsumer#awaitThenLease}). After an outage it first waits for the outcomes finished meanwhile
 * to be settled and renews the leases still running: a lease call takes back every lease that lapsed on
 * Redis' clock, and would hand this worker's own executions back to it to run a second time.
 */
final class LeaseLoop {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseLoop.class);
    /** How often, after an outage, it looks whether the settler has caught up. */
    private static final Duration CATCH_UP_PAUSE = Duration.ofMillis(50);

    private final BrokerConsumer broker;
    private final WorkerConfig config;
    private final QueueOrder order;
    private final RandomGenerator random = RestoreSafeRandom.shared();
    private final Duration lease;
    private final Slots slots;
    private final Consumer<LeaseBatch> leased;
    private final Clock clock;
    private final Outage outage = new Outage(LOG, "leasing from Redis");
    private final Settler settler;
    private final Heartbeater heartbeater;
    private final LeaseCalls leaseCalls;
    private boolean recovering;
    /** The last round found nothing to lease, and nothing the source holds can become due before the deadline. */
    private volatile boolean dry;
    /**
     * The last round leased nothing from a {@link WaitingSource}: the next waits up to this long before it leases
     * (null: it leases at once).
     */
    private Duration waitFirst;

    /**
     * Where a round's leases come from: the configured queues (long-lived and timer-driven workers) or a list of
     * ids a queue trigger handed over (see {@link IdSource}).
     */
    interface Source {
        /** Leases up to {@code max} of what fits before {@code deadline}. */
        BrokerConsumer.LeaseBatch lease(int max, Duration lease, Instant deadline);

        /** Waits, after a round that leased nothing, at most {@code max} for work to arrive. */
        void await(Duration max);
    }

    /**
     * A source whose wait and the lease after it go in one trip ({@link BrokerConsumer#awaitThenLease}): the round
     * after one that leased nothing waits and leases. A plain source waits at the end of the round that leased
     * nothing, and the drains keep that: their waits are local sleeps the drain cuts short, and a lease after a
     * drain ended would take work the invocation then holds until the work ends.
     */
    interface WaitingSource extends Source {
        /** Waits up to {@code wait} for work, then leases up to {@code max} as {@link #lease} does. */
        LeaseBatch awaitThenLease(int max, Duration lease, Instant deadline, Duration wait);
    }

    /** The configured queues; with {@code runBudget} set, only what fits before the deadline is leased. */
    WaitingSource queues(Duration runBudget) {
        return new WaitingSource() {
            @Override
            public LeaseBatch lease(int max, Duration leaseDuration, Instant deadline) {
                BrokerConsumer.Fit fit = fit(deadline);
                List<String> queues = order.next(random);
                if (!(order instanceof QueueOrder.Weighted weighted) || max == 1) {
                    return broker.lease(queues, max, leaseDuration, fit);
                }
                // Each queue first up to its share of the slots, in this call's order, then what is left of the
                // batch in that order: a queue with less than its share waiting leaves the rest to the others.
                Map<String, Integer> quotas = weighted.quotas(max, random);
                LeaseBatch leased = new LeaseBatch(List.of(), null);
                try {
                    for (String queue : queues) {
                        int quota = quotas.getOrDefault(queue, 0);
                        if (quota > 0) {
                            leased = leased.plus(broker.lease(List.of(queue), quota, leaseDuration, fit));
                        }
                    }
                    int left = max - leased.deliveries().size();
                    return left == 0 ? leased : leased.plus(broker.lease(queues, left, leaseDuration, fit));
                } catch (RuntimeException failed) {
                    return leased.keptAfter(failed);
                }
            }

            @Override
            public void await(Duration max) {
                broker.awaitWork(order.names(), max);
            }

            /** A weighted order's shares take lease calls of their own, so it waits and then leases. */
            @Override
            public LeaseBatch awaitThenLease(int max, Duration leaseDuration, Instant deadline, Duration wait) {
                if (order instanceof QueueOrder.Weighted && max > 1) {
                    await(wait);
                    return lease(max, leaseDuration, deadline);
                }
                return broker.awaitThenLease(order.next(random), max, leaseDuration, fit(deadline), wait);
            }

            private BrokerConsumer.Fit fit(Instant deadline) {
                return deadline.equals(Instant.MAX) ? BrokerConsumer.Fit.ANY
                        : new BrokerConsumer.Fit(Duration.between(clock.instant(), deadline), runBudget);
            }
        };
    }

    boolean dry() {
        return dry;
    }

    /** Before a drain: nothing is known yet about what waits. */
    void wet() {
        dry = false;
        waitFirst = null;
    }

    /** @param leased told of each lease call's batch, to count it and start its deliveries */
    LeaseLoop(BrokerConsumer broker, WorkerConfig config, Duration lease, Slots slots, Consumer<LeaseBatch> leased,
              Settler settler, Heartbeater heartbeater, LeaseCalls leaseCalls, Clock clock) {
        this.broker = broker;
        this.settler = settler;
        this.heartbeater = heartbeater;
        this.leaseCalls = leaseCalls;
        this.config = config;
        this.order = config.queueOrder();
        this.lease = lease;
        this.slots = slots;
        this.leased = leased;
        this.clock = clock;
    }

    /** One round, leasing nothing once {@code deadline} has passed; answers the pause before the next. */
    Duration round(Instant deadline, Source source) {
        if (!clock.instant().isBefore(deadline)) {
            dry = true;
            return config.pollInterval();
        }
        if (recovering || heartbeater.failing()) {
            if (!settler.idle()) {
                return CATCH_UP_PAUSE;
            }
            if (!heartbeater.renew()) {
                return Duration.ofMillis(outage.backoffMillis());
            }
            recovering = false;
        }
        int taken = 0;
        try {
            taken = slots.takeForLease();
            if (taken == 0) {
                return Duration.ZERO;
            }
            LeaseBatch batch;
            // Until what this call leased is handed on, "lost" verdicts wait: it may hold one of them again. A
            // lease behind a wait holds them through the wait (at most a poll interval): it is sent before it.
            leaseCalls.sending();
            try {
                Duration wait = waitFirst;
                waitFirst = null;
                batch = wait != null && source instanceof WaitingSource waiting
                        ? waiting.awaitThenLease(taken, lease, deadline, wait) : source.lease(taken, lease, deadline);
                slots.returnLeaseSlots(taken - batch.deliveries().size());
                taken = 0;
                leased.accept(batch);
            } finally {
                leaseCalls.handedOn();
            }
            outage.recovered();
            dry = batch.deliveries().isEmpty() && (batch.nextDueIn() == null
                    || batch.nextDueIn().compareTo(Duration.between(clock.instant(), deadline)) >= 0);
            if (batch.deliveries().isEmpty()) {
                Duration wait = idleWait(batch.nextDueIn(), deadline);
                if (source instanceof WaitingSource) {
                    waitFirst = wait;
                } else {
                    source.await(wait);
                }
            }
            return Duration.ZERO;
        } catch (BrokerUnavailableException e) {
            slots.returnLeaseSlots(taken);
            recovering = true;
            outage.failed(e);
            return Duration.ofMillis(outage.backoffMillis());
        } catch (InterruptedException e) {
            // Nothing here is meant to be interrupted; the loop's stop flag ends it.
            return Duration.ZERO;
        } catch (RuntimeException e) {
            slots.returnLeaseSlots(taken);
            LOG.error("lease loop error", e);
            return Duration.ofSeconds(1);
        }
    }

    private Duration idleWait(Duration nextDueIn, Instant deadline) {
        Duration wait = config.pollInterval();
        if (nextDueIn != null && nextDueIn.compareTo(wait) < 0) {
            wait = nextDueIn;
        }
        Duration untilDeadline = Duration.between(clock.instant(), deadline);
        return untilDeadline.compareTo(wait) < 0 ? untilDeadline : wait;
    }
}
