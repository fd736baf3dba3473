package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerConsumer.IdLease;
import io.chard.broker.BrokerConsumer.IdLeaseCode;
import io.chard.broker.BrokerConsumer.LeaseBatch;
import io.chard.broker.Delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leases the executions a queue trigger named, in the order given, as run slots come free (so an id it never
 * reaches stays waiting in Redis, free for any other worker). Remembers what leasing each id found.
 *
 * <p>An id found not due yet is tried again once due when that is at most {@link #DUE_SOON} away and leaves a run
 * budget before the deadline: its message was sent to arrive at its due time (the delay rounded up to SQS's whole
 * seconds), so finding it early means the dispatcher's clock runs ahead of Redis' by a little, and handing it back
 * would hold it for a whole visibility timeout. One due later than that (or too late to run in this invocation) goes
 * back to SQS as before.
 */
final class IdSource implements LeaseLoop.Source {
    /** How long a round that leased nothing pauses: the ids left, if any, did not fit or are not due. */
    private static final Duration PAUSE = Duration.ofMillis(20);
    /** The furthest due time, before or after this clock's now, that an id not due yet is waited for. */
    static final Duration DUE_SOON = Duration.ofSeconds(1);

    private final BrokerConsumer broker;
    private final Duration runBudget;
    private final Clock clock;
    private final Deque<UUID> waiting;
    private final Map<UUID, IdLease> found = new ConcurrentHashMap<>();
    /** Ids found not due yet but due soon, by due time. */
    private final Map<UUID, Instant> dueSoon = new HashMap<>();

    IdSource(BrokerConsumer broker, List<UUID> ids, Duration runBudget, Clock clock) {
        this.broker = broker;
        this.runBudget = runBudget;
        this.clock = clock;
        // A batch may name an id twice (a redelivered message beside its retry's message): lease it once.
        this.waiting = new ArrayDeque<>(new LinkedHashSet<>(ids));
    }

    @Override
    public synchronized LeaseBatch lease(int max, Duration lease, Instant deadline) {
        Instant now = clock.instant();
        dueSoon.entrySet().removeIf(entry -> {
            if (entry.getValue().isAfter(now)) {
                return false;
            }
            waiting.addFirst(entry.getKey());
            return true;
        });
        List<UUID> ids = new ArrayList<>(Math.min(max, waiting.size()));
        while (ids.size() < max && !waiting.isEmpty()) {
            ids.add(waiting.poll());
        }
        List<Delivery> deliveries = new ArrayList<>(ids.size());
        Map<String, Integer> lapsed = new HashMap<>();
        if (!ids.isEmpty()) {
            BrokerConsumer.Fit fit = new BrokerConsumer.Fit(Duration.between(now, deadline), runBudget);
            for (IdLease result : broker.leaseIds(ids, lease, fit)) {
                found.put(result.id(), result);
                if (result.delivery() != null) {
                    deliveries.add(result.delivery());
                }
                if (result.lapsedFrom() != null) {
                    lapsed.merge(result.lapsedFrom(), 1, Integer::sum);
                }
                if (result.code() == IdLeaseCode.NOT_DUE && dueSoon(result.dueAt(), now, deadline.minus(runBudget))) {
                    dueSoon.put(result.id(), result.dueAt());
                }
            }
        }
        // Every other id is tried once: a fit that failed now fails later in this invocation too.
        return new LeaseBatch(deliveries, next(now), lapsed);
    }

    /** @param lastStart the latest start that leaves a run budget before the deadline */
    private static boolean dueSoon(Instant dueAt, Instant now, Instant lastStart) {
        return dueAt != null && dueAt.isBefore(lastStart) && Duration.between(now, dueAt).abs().compareTo(DUE_SOON) <= 0;
    }

    /**
     * How soon to call again: at once while ids wait; at the first due time of those due soon, but not sooner than
     * a pause (Redis' clock may be behind this one, and it answers "not due" until it catches up); else never.
     */
    private Duration next(Instant now) {
        if (!waiting.isEmpty()) {
            return Duration.ZERO;
        }
        return dueSoon.values().stream().min(Instant::compareTo).map(first -> {
            Duration until = Duration.between(now, first);
            return until.compareTo(PAUSE) > 0 ? until : PAUSE;
        }).orElse(null);
    }

    @Override
    public void await(Duration max) {
        try {
            Thread.sleep(PAUSE.compareTo(max) < 0 ? PAUSE : max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What leasing found for each id tried (ids never reached are absent). */
    Map<UUID, IdLease> found() {
        return found;
    }
}
