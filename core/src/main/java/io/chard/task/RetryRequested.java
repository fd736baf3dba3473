package io.chard.task;

import java.time.Duration;

/** Thrown through a task by {@link TaskContext#retry(Duration)}; the worker turns it into a retry. */
public final class RetryRequested extends RuntimeException {
    private final Duration countdown;

    /** @param countdown how long to wait; null means at once */
    public RetryRequested(Duration countdown) {
        super("retry requested in " + countdown, null, false, false);
        this.countdown = countdown == null || countdown.isNegative() ? Duration.ZERO : countdown;
    }

    public Duration countdown() {
        return countdown;
    }
}
