package io.chard.loop;

import java.time.Duration;

/** A sleep that shutdown can cut short, so loops stop promptly instead of finishing their nap. */
public final class Waiter {
    private boolean woken;

    /** Sleeps up to {@code duration}; returns early when {@link #wake()} is called. */
    public synchronized void sleep(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (!woken) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void wake() {
        woken = true;
        notifyAll();
    }
}
