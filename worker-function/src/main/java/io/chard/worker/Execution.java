package io.chard.worker;

import io.chard.broker.Delivery;
import io.chard.broker.LeaseRef;

import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One leased execution inside the worker, from lease to settlement. Exactly one path ends it (its own thread,
 * the hard time limit, a lost lease, or shutdown): {@link #end()} lets only the first through.
 */
final class Execution {
    /** Replaced only by {@link #adopt}: the lease this execution runs under now. */
    volatile Delivery delivery;
    final Instant leasedAt;
    volatile String taskName = "?";
    /** The queue it was dispatched to (null until its envelope is read). */
    volatile String queue;
    volatile Instant startedAt;
    volatile Thread thread;
    volatile boolean cancelRequested;
    volatile boolean softLimitPassed;
    volatile Future<?> softLimit;
    volatile Future<?> hardLimit;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean runSlotHeld = new AtomicBoolean();

    Execution(Delivery delivery, Instant leasedAt) {
        this.delivery = delivery;
        this.leasedAt = leasedAt;
    }

    LeaseRef lease() {
        return delivery.lease();
    }

    /**
     * This worker was handed this execution again while it still runs it (its heartbeat came later than the
     * lease): the run goes on under the new lease, so it is never started a second time. False once it ended,
     * when the new lease must be run on its own. Synchronized with {@link #end()}, so the ending path reads
     * the lease it settles under only after any adoption.
     */
    synchronized boolean adopt(Delivery again) {
        if (ended.get()) {
            return false;
        }
        delivery = again;
        return true;
    }

    /** True for the one caller that ends this execution. */
    synchronized boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        cancelTimers();
        return true;
    }

    void cancelTimers() {
        cancel(softLimit);
        cancel(hardLimit);
    }

    /** Records that this execution took a run slot; whoever ends it gives the slot back. */
    void holdRunSlot() {
        runSlotHeld.set(true);
    }

    /** True for the one caller that must give the run slot back. */
    boolean holdsRunSlot() {
        return runSlotHeld.get();
    }

    boolean releaseRunSlot() {
        return runSlotHeld.compareAndSet(true, false);
    }

    boolean ended() {
        return ended.get();
    }

    void interrupt() {
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    private static void cancel(Future<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
