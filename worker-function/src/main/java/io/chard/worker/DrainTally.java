package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.Outcome;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts of one drain, written by the lease loop and the settler, read once the drain ends. */
final class DrainTally {
    final AtomicInteger leased = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger retried = new AtomicInteger();
    final AtomicInteger revoked = new AtomicInteger();
    final Set<UUID> settled = ConcurrentHashMap.newKeySet();

    void count(Outcome outcome) {
        switch (outcome) {
            case Outcome.Success s -> succeeded.incrementAndGet();
            case Outcome.Failure f -> failed.incrementAndGet();
            case Outcome.Retry r -> retried.incrementAndGet();
            case Outcome.Revoked r -> revoked.incrementAndGet();
        }
    }

    DrainReport report(int givenBack, Map<UUID, BrokerConsumer.IdLease> found) {
        return new DrainReport(leased.get(), succeeded.get(), failed.get(), retried.get(), revoked.get(),
                givenBack, Set.copyOf(settled), found);
    }
}
