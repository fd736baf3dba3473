package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.Outcome;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts of one drain, written by the lease loop, the runner and the settler, read once the drain ends. */
final class DrainTally {
    final AtomicInteger leased = new AtomicInteger();
    final AtomicInteger lapsed = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger retried = new AtomicInteger();
    final AtomicInteger revoked = new AtomicInteger();
    final Set<UUID> settled = ConcurrentHashMap.newKeySet();
    private final Map<DrainReport.TaskQueue, Queue<Long>> waits = new ConcurrentHashMap<>();

    void leased(BrokerConsumer.LeaseBatch batch) {
        leased.addAndGet(batch.deliveries().size());
        batch.lapsed().values().forEach(lapsed::addAndGet);
    }

    void waited(String task, String queue, long millis) {
        waits.computeIfAbsent(new DrainReport.TaskQueue(task, queue), key -> new ConcurrentLinkedQueue<>()).add(millis);
    }

    void count(Outcome outcome) {
        switch (outcome) {
            case Outcome.Success s -> succeeded.incrementAndGet();
            case Outcome.Failure f -> failed.incrementAndGet();
            case Outcome.Retry r -> retried.incrementAndGet();
            case Outcome.Revoked r -> revoked.incrementAndGet();
        }
    }

    DrainReport report(int givenBack, Map<UUID, BrokerConsumer.IdLease> found) {
        Map<DrainReport.TaskQueue, List<Long>> waited = new TreeMap<>();
        waits.forEach((key, millis) -> waited.put(key, List.copyOf(millis)));
        return new DrainReport(leased.get(), succeeded.get(), failed.get(), retried.get(), revoked.get(),
                givenBack, lapsed.get(), Set.copyOf(settled), found, waited);
    }
}
