package io.chard.loop;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a failing dependency once when an outage starts and once when it ends, instead of once per attempt;
 * counts the failed attempts in between. Each background loop owns one per dependency it calls.
 */
public final class Outage {
    private final Logger log;
    private final String what;
    private final AtomicLong failures = new AtomicLong();

    public Outage(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    public void failed(Exception error) {
        if (failures.getAndIncrement() == 0) {
            log.warn("{} failed; retrying until it answers: {}", what, error.toString());
        }
    }

    /**
     * Counts a failed attempt that its caller logs itself, each time (a refusal, which is not a passing state):
     * the backoff still grows, and the recovery is still logged once.
     */
    public void failedLoggedByCaller() {
        failures.incrementAndGet();
    }

    public void recovered() {
        long failed = failures.getAndSet(0);
        if (failed > 0) {
            log.info("{} works again after {} failed attempts", what, failed);
        }
    }

    public long failures() {
        return failures.get();
    }

    /** Backoff for the next attempt: 100 ms doubling to 5 s. */
    public long backoffMillis() {
        long n = Math.min(failures.get(), 6);
        return Math.min(5_000, 100L << n);
    }
}
