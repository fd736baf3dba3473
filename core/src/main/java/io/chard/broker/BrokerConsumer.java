package io.chard.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A worker's side of the broker. Not shared between workers: it owns a blocking connection. */
public interface BrokerConsumer extends AutoCloseable {

    /**
     * Leases up to {@code max} executions from {@code queues} (earlier queues first).
     *
     * @return the deliveries and how long nothing more can be due
     */
    default LeaseBatch lease(List<String> queues, int max, Duration leaseDuration) {
        return lease(queues, max, leaseDuration, Fit.ANY);
    }

    /** As {@link #lease(List, int, Duration)}, leasing only executions that {@code fit} admits. */
    LeaseBatch lease(List<String> queues, int max, Duration leaseDuration, Fit fit);

    /**
     * Leases exactly the executions named (a queue trigger handed over their ids), each only if it waits and
     * is due; answers one result per id, in order. The ids of a partition whose call failed, or that rests after
     * failing, are {@link IdLeaseCode#UNREACHED} while the other partitions' are answered; the call throws only
     * when no partition answered (the failure, or {@link BrokerUnavailableException} when every partition named
     * rests).
     */
    List<IdLease> leaseIds(List<UUID> ids, Duration leaseDuration, Fit fit);

    /** Settles in one atomic step; answers, in order, whether each report was accepted (false: stale lease). */
    List<Boolean> settle(List<Settlement> settlements);

    HeartbeatReply heartbeat(List<LeaseRef> leases, Duration leaseDuration, String registryEntry, Duration entryTtl);

    void release(List<LeaseRef> leases);

    /** False when the lease is no longer held. */
    boolean progress(LeaseRef lease, int percent, String step);

    /** Blocks until work may be waiting in one of {@code queues}, or {@code max} passes. */
    void awaitWork(List<String> queues, Duration max);

    /**
     * After a lease call that found nothing: waits as {@link #awaitWork} does, then leases as
     * {@link #lease(List, int, Duration, Fit)} does, in one trip (the lease runs behind the wait, on the partition
     * that woke it), so that work dispatched to a waiting worker starts one round trip sooner.
     */
    LeaseBatch awaitThenLease(List<String> queues, int max, Duration leaseDuration, Fit fit, Duration wait);

    /** Removes this worker from the registry. */
    void deregister();

    @Override
    void close();

    /**
     * Which executions a short-lived worker may lease: those whose hard time limit (or, without one,
     * {@code budget}) is at most {@code within}, the time it has left.
     */
    record Fit(Duration within, Duration budget) {
        /** Anything fits: a long-lived worker. */
        public static final Fit ANY = new Fit(Duration.ZERO, Duration.ZERO);

        public boolean any() {
            return within.isZero();
        }
    }

    /** What leasing one named execution found. */
    enum IdLeaseCode {
        /** Leased: {@link IdLease#delivery()} holds it. */
        LEASED,
        /** Another worker holds a live lease on it. */
        RUNNING,
        /** Finished, failed or revoked. */
        ENDED,
        /**
         * A workflow step whose predecessors have not ended: its join releases it, and the release tells the queue
         * trigger again, so a message naming it now has nothing to do.
         */
        WAITING,
        /** No such execution (never existed, or its result expired). */
        UNKNOWN,
        /** Delayed: due at {@link IdLease#dueAt()}. */
        NOT_DUE,
        /** Its time limit (or the run budget) does not fit the time left. */
        NO_FIT,
        /** Not started: the event stream holds half its cap (no recorder drains it); try again later. */
        HELD,
        /** Its queue is paused: it keeps its place until the queue is resumed. */
        PAUSED,
        /**
         * Held back by a rate limit or concurrency cap: parked until the limit has room, then back in its queue
         * for the next lease (the timer drain), or leased by id when its message comes again.
         */
        LIMITED,
        /**
         * Not looked at: its partition failed in this call (a master failing over) or rests after failing, while
         * another partition answered. Nothing changed in Redis; the id is left to its queue message, which comes
         * again.
         */
        UNREACHED
    }

    /**
     * One named execution's lease result; delivery only when LEASED, dueAt only when NOT_DUE.
     *
     * @param lapsedFrom the queue, when its lease had lapsed (its worker went silent) and was taken back by this
     *                   call before anything else; null otherwise
     */
    record IdLease(UUID id, IdLeaseCode code, Delivery delivery, java.time.Instant dueAt, String lapsedFrom) {
        static IdLease unreached(UUID id) {
            return new IdLease(id, IdLeaseCode.UNREACHED, null, null, null);
        }
    }

    /**
     * @param nextDueIn how long until a delayed execution is due or a lease may lapse; null when none is scheduled
     * @param lapsed    per queue, how many leases lapsed (their workers went silent) and were taken back by this call;
     *                  queues with none are absent
     */
    record LeaseBatch(List<Delivery> deliveries, Duration nextDueIn, Map<String, Integer> lapsed) {
        public LeaseBatch(List<Delivery> deliveries, Duration nextDueIn) {
            this(deliveries, nextDueIn, Map.of());
        }

        /**
         * This batch, the answer of calls made before {@code failed} (a call no partition answered): what they
         * leased runs in Redis under tokens only this batch carries, and dropped it would wait for its leases to
         * lapse and be delivered again, so it is answered and the failure reaches the caller's next call. With
         * nothing leased, the failure is thrown.
         */
        public LeaseBatch keptAfter(RuntimeException failed) {
            if (deliveries.isEmpty()) {
                throw failed;
            }
            return this;
        }

        /** Two lease calls' answers as one: both batches' deliveries, the sooner due time, the lapses summed. */
        public LeaseBatch plus(LeaseBatch other) {
            List<Delivery> both = new java.util.ArrayList<>(deliveries.size() + other.deliveries.size());
            both.addAll(deliveries);
            both.addAll(other.deliveries);
            boolean otherSooner = other.nextDueIn != null
                    && (nextDueIn == null || other.nextDueIn.compareTo(nextDueIn) < 0);
            Duration sooner = otherSooner ? other.nextDueIn : nextDueIn;
            if (other.lapsed.isEmpty()) {
                return new LeaseBatch(both, sooner, lapsed);
            }
            Map<String, Integer> lapses = new java.util.HashMap<>(lapsed);
            other.lapsed.forEach((queue, n) -> lapses.merge(queue, n, Integer::sum));
            return new LeaseBatch(both, sooner, lapses);
        }
    }
}
