package io.chard.task;

import io.chard.random.RestoreSafeRandom;

import java.time.Duration;

/** How long a failed attempt waits before the next one. */
public interface Backoff {

    /** The wait before retry number {@code retries + 1}. */
    Duration delayBefore(int retries);

    /**
     * Exponential backoff, capped: attempt n waits {@code min(max, base * 2^n)}; with full jitter the wait is
     * drawn uniformly from [0, that], which spreads a burst of failures instead of retrying them in lockstep
     * (the AWS "exponential backoff and jitter" result that Celery also follows).
     */
    record Exponential(Duration base, Duration max, boolean jitter) implements Backoff {
        @Override
        public Duration delayBefore(int retries) {
            double capMillis = max.toMillis();
            double exponential = base.toMillis() * Math.pow(2, Math.min(retries, 62));
            long millis = (long) Math.min(capMillis, exponential);
            if (jitter && millis > 0) {
                millis = RestoreSafeRandom.shared().nextLong(millis + 1);
            }
            return Duration.ofMillis(millis);
        }
    }
}
