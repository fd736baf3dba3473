package io.chard.broker;

import io.chard.loop.Outage;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
        return nanosLeft(partition) > 0;
    }

    /** How long the partition still rests; zero when it may be called. */
    Duration restLeft(int partition) {
        return Duration.ofNanos(Math.max(0, nanosLeft(partition)));
    }

    private long nanosLeft(int partition) {
        return restsUntil[partition] == 0 ? 0 : restsUntil[partition] - clock.getAsLong();
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
        boolean refused = !(error instanceof BrokerUnavailableException);
        if (refused) {
            outage.failedLoggedByCaller();
        } else {
            outage.failed(error);
        }
        long backoff = outage.backoffMillis();
        if (refused) {
            log.error("{} on partition {} refused; trying again in {} ms", calls, partition, backoff, error);
        }
        restsUntil[partition] = clock.getAsLong() + backoff * 1_000_000L;
    }

    /** Starts one call over the partitions (a lease call, a lease by id, a wait for work). */
    Round round() {
        return new Round();
    }

    /**
     * One call over the partitions: each partition not resting is called, its answer or failure kept in the rest,
     * and the call as a whole counts as answered when any partition answered.
     */
    final class Round {
        private boolean anyAnswered;
        private RuntimeException failure;

        private Round() {
        }

        /** The partition's answer; empty when it rests, or when its call failed (it then rests). */
        <T> Optional<T> call(int partition, Supplier<T> call) {
            if (resting(partition)) {
                return Optional.empty();
            }
            try {
                T answer = call.get();
                answered(partition);
                anyAnswered = true;
                return Optional.of(answer);
            } catch (RuntimeException e) {
                failed(partition, e);
                failure = e;
                return Optional.empty();
            }
        }

        boolean anyAnswered() {
            return anyAnswered;
        }

        /**
         * Throws unless a partition answered: the last failure, or {@link BrokerUnavailableException} when every
         * partition was resting ({@code whenAllRested} says which call).
         */
        void requireAnswer(String whenAllRested) {
            if (!anyAnswered) {
                throw failure != null ? failure : new BrokerUnavailableException(whenAllRested, null);
            }
        }
    }
}
