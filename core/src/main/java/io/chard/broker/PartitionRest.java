package io.chard.broker;

import io.chard.loop.Outage;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Which partitions a worker leaves out of one kind of call for now: one whose call failed (its master failing over)
 * rests for its own backoff, 200 ms doubling to 5 s, while the other partitions keep being served. Before, the
 * failing partition came first in the next lease call, which failed with nothing leased, and the call after it
 * leased from the others again: the worker's one outage logged a failure and a recovery every other round, its
 * backoff never grew, and the down master was asked again every few hundred milliseconds. An outage (Redis
 * unavailable) is logged once when it begins and once when the partition answers again; a refusal (a Chard command
 * Redis rejects: a bug or a damaged key, not a passing state) is logged with its stack trace at every failed call.
 * A lone partition never rests: its failure is the whole call's, rethrown, and the worker's own outage backs off.
 */
final class PartitionRest {
    private final Outage[] outages;
    /** When each resting partition may be called again ({@link #clock}, nanoseconds); 0 when it is not resting. */
    private final long[] restsUntil;
    private final Logger log;
    private final String calls;
    private final LongSupplier clock;

    /** @param calls what the calls are, for the log ("leasing", "waiting for work") */
    PartitionRest(int partitions, String calls, Logger log, LongSupplier nanoClock) {
        this.outages = new Outage[partitions];
        this.restsUntil = new long[partitions];
        this.log = log;
        this.calls = calls;
        this.clock = nanoClock;
        for (int p = 0; p < partitions; p++) {
            outages[p] = new Outage(log, calls + " on partition " + p);
        }
    }

    boolean resting(int partition) {
        return restsUntil[partition] != 0 && restsUntil[partition] - clock.getAsLong() > 0;
    }

    /** How long the partition still rests; zero when it may be called. */
    Duration restLeft(int partition) {
        long left = restsUntil[partition] == 0 ? 0 : restsUntil[partition] - clock.getAsLong();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    void answered(int partition) {
        restsUntil[partition] = 0;
        outages[partition].recovered();
    }

    /** Starts or lengthens the partition's rest; with one partition, throws {@code error} instead. */
    void failed(int partition, RuntimeException error) {
        if (outages.length == 1) {
            throw error;
        }
        Outage outage = outages[partition];
        if (error instanceof BrokerUnavailableException) {
            outage.failed(error);
        } else {
            outage.failedLoggedByCaller();
            log.error("{} on partition {} refused; trying again in {} ms", calls, partition, outage.backoffMillis(),
                    error);
        }
        long backoff = outage.backoffMillis();
        restsUntil[partition] = clock.getAsLong() + backoff * 1_000_000L;
    }
}
