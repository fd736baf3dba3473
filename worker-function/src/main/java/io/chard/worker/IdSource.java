package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerConsumer.IdLease;
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
 */
final class IdSource implements LeaseLoop.Source {
    /** How long a round that leased nothing pauses: the ids left, if any, did not fit or are not due. */
    private static final Duration PAUSE = Duration.ofMillis(20);

    private final BrokerConsumer broker;
    private final Duration runBudget;
    private final Clock clock;
    private final Deque<UUID> waiting;
    private final Map<UUID, IdLease> found = new ConcurrentHashMap<>();

    IdSource(BrokerConsumer broker, List<UUID> ids, Duration runBudget, Clock clock) {
        this.broker = broker;
        this.runBudget = runBudget;
        this.clock = clock;
        // A batch may name an id twice (a redelivered message beside its retry's message): lease it once.
        this.waiting = new ArrayDeque<>(new LinkedHashSet<>(ids));
    }

    @Override
    public synchronized LeaseBatch lease(int max, Duration lease, Instant deadline) {
        List<UUID> ids = new ArrayList<>(Math.min(max, waiting.size()));
        while (ids.size() < max && !waiting.isEmpty()) {
            ids.add(waiting.poll());
        }
        List<Delivery> deliveries = new ArrayList<>(ids.size());
        Map<String, Integer> lapsed = new HashMap<>();
        if (!ids.isEmpty()) {
            BrokerConsumer.Fit fit = new BrokerConsumer.Fit(Duration.between(clock.instant(), deadline), runBudget);
            for (IdLease result : broker.leaseIds(ids, lease, fit)) {
                found.put(result.id(), result);
                if (result.delivery() != null) {
                    deliveries.add(result.delivery());
                }
                if (result.lapsedFrom() != null) {
                    lapsed.merge(result.lapsedFrom(), 1, Integer::sum);
                }
            }
        }
        // Every id is tried once: a due time or a fit that failed now fails later in this invocation too.
        return new LeaseBatch(deliveries, waiting.isEmpty() ? null : Duration.ZERO, lapsed);
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
