package io.chard.broker;

import io.chard.loop.Outage;
import org.slf4j.Logger;

import java.util.function.LongSupplier;

/**
 * Which partitions a worker's lease calls leave out for now: one whose call failed (its master failing over) rests
 * for its own backoff, 100 ms doubling to 5 s, while the other partitions keep being served. Before, the failing
 * partition came first in the next call, which failed with nothing leased, and the call after it leased from the
 * others again: the worker's one outage logged a failure and a recovery every other round, its backoff never grew,
 * and the down master was asked again every few hundred milliseconds. Each partition's outage is logged once when
 * it begins and once when the partition answers again.
 */
final class PartitionRest {
    private final Outage[] outages;
    /** When each resting partition may be called again ({@link #clock}, nanoseconds); 0 when it is not resting. */
    private final long[] restsUntil;
    private final LongSupplier clock;

    PartitionRest(int partitions, Logger log, LongSupplier nanoClock) {
        this.outages = new Outage[partitions];
        this.restsUntil = new long[partitions];
        this.clock = nanoClock;
        for (int p = 0; p < partitions; p++) {
            outages[p] = new Outage(log, "leasing from partition " + p);
        }
    }

    boolean resting(int partition) {
        return restsUntil[partition] != 0 && clock.getAsLong() - restsUntil[partition] < 0;
    }

    void answered(int partition) {
        restsUntil[partition] = 0;
        outages[partition].recovered();
    }

    void failed(int partition, RuntimeException error) {
        outages[partition].failed(error);
        restsUntil[partition] = clock.getAsLong() + outages[partition].backoffMillis() * 1_000_000L;
    }
}
