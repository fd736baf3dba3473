package io.chard.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The worker's capacity, in two counts: lease slots (every execution held, from lease to its end: the running
 * ones plus the prefetched) and run slots (tasks running at once). Decides how many slots one lease round trip
 * asks for, and how many executions are leased ahead of a free run slot.
 *
 * <p>The prefetch follows the work: the worker leases ahead what it finishes in {@link #PREFETCH_HORIZON_NANOS},
 * at least one and at most the configured prefetch. A fixed prefetch had to choose between short tasks and long
 * ones. Under no-ops a lease batch of 64 left a third of the two cores idle, waiting on round trips, where 256 kept
 * them busy (docs/architecture.md, "A prefetch that follows the work"); under one-second tasks 256 executions
 * would wait minutes in one worker, their leases renewed, while another worker idles and a paused queue's work
 * keeps running. Ten milliseconds of work covers a lease round trip several times over on a loaded machine, so a
 * slot that frees finds the next execution already here, and a long task's worker holds one ahead.
 */
final class Slots {
    /** How long one lease round waits for a first free slot before looking again (so stop is noticed). */
    static final long FIRST_SLOT_WAIT_MILLIS = 200;
    /** How long it lingers for a worthwhile batch once a few slots are free. */
    static final long LINGER_MILLIS = 2;
    /** The prefetch is what the worker finishes in this long. */
    static final long PREFETCH_HORIZON_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * The completion rate is counted over at least this long: outcomes end in bursts (a lease batch of no-ops
     * runs in one go), and a shorter window would swing the prefetch with each burst.
     */
    static final long RATE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LeaseSlots leaseSlots;
    private final Semaphore runSlots;
    private final int concurrency;
    private final int maxPrefetch;
    private final int leaseBatch;
    private final LongSupplier nanoTime;
    /** Executions ended (each freed its lease slot) since the worker started. */
    private final AtomicLong ended = new AtomicLong();
    /** When the last execution ended (the worker's start before any did), on {@link #nanoTime}. */
    private volatile long lastEndNanos;
    // Written by the lease round (under this object's lock: a drain's round may outlast its stop); the gauge reads
    // prefetch.
    private volatile int prefetch;
    private long windowStart;
    private long endedAtWindowStart;

    Slots(int concurrency, int maxPrefetch, int leaseBatch) {
        this(concurrency, maxPrefetch, leaseBatch, System::nanoTime);
    }

    /**
     * @param maxPrefetch most executions leased ahead of a run slot (0: none); the worker starts with as many as
     *                    it has run slots, then follows its completion rate
     * @param nanoTime    the clock the completion rate is read with
     */
    Slots(int concurrency, int maxPrefetch, int leaseBatch, LongSupplier nanoTime) {
        this.concurrency = concurrency;
        this.maxPrefetch = maxPrefetch;
        this.leaseBatch = leaseBatch;
        this.nanoTime = nanoTime;
        this.prefetch = startingPrefetch();
        this.leaseSlots = new LeaseSlots(concurrency + prefetch);
        this.runSlots = new Semaphore(concurrency);
        this.windowStart = nanoTime.getAsLong();
        this.lastEndNanos = windowStart;
    }

    /**
     * Waits up to 200 ms for one free lease slot, then takes every free one (at most one lease batch). When
     * only a few are free, it lingers up to 2 ms for a quarter of the capacity: under a stream of short tasks
     * slots free one by one, and leasing them one per round trip would cap throughput at the round-trip rate.
     * Called by the lease round only.
     *
     * @return the slots taken (0 when none came free); give back those the lease did not fill
     */
    int takeForLease() throws InterruptedException {
        followCompletionRate();
        if (!leaseSlots.tryAcquire(FIRST_SLOT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            return 0;
        }
        int taken = 1 + leaseSlots.takeFree();
        int worthATrip = Math.min(leaseBatch, Math.max(1, (concurrency + prefetch) / 4));
        if (taken < worthATrip && leaseSlots.tryAcquire(worthATrip - taken, LINGER_MILLIS, TimeUnit.MILLISECONDS)) {
            taken = worthATrip + leaseSlots.takeFree();
        }
        int excess = taken - leaseBatch;
        if (excess > 0) {
            leaseSlots.release(excess);
            taken -= excess;
        }
        return taken;
    }

    /** One ahead per run slot, at most the configured prefetch: before anything has ended, and after an idle spell. */
    private int startingPrefetch() {
        return Math.min(maxPrefetch, concurrency);
    }

    /**
     * Once a window has passed, sets the prefetch to what ended in it scaled to the horizon. A worker that holds
     * nothing and saw nothing end for a window is idle, which says nothing of the work's pace (the wait for a first
     * round or a function's next invocation, a quiet queue): the prefetch goes back to its starting value instead,
     * neither kept from a burst of short tasks, which would lease the next long ones hundreds at a time, nor cut to
     * one. A shrink leaves the held executions alone: the free count goes below zero and the next ends pay it off.
     */
    private synchronized void followCompletionRate() {
        long now = nanoTime.getAsLong();
        long elapsed = now - windowStart;
        if (elapsed < RATE_WINDOW_NANOS || maxPrefetch == 0) {
            return;
        }
        long endedNow = ended.get();
        boolean idle = now - lastEndNanos >= RATE_WINDOW_NANOS
                && leaseSlots.availablePermits() == concurrency + prefetch;
        double perHorizon = (double) (endedNow - endedAtWindowStart) * PREFETCH_HORIZON_NANOS / elapsed;
        windowStart = now;
        endedAtWindowStart = endedNow;
        int target = idle ? startingPrefetch() : (int) Math.max(1, Math.min(maxPrefetch, Math.ceil(perHorizon)));
        int change = target - prefetch;
        if (change > 0) {
            leaseSlots.release(change);
        } else if (change < 0) {
            leaseSlots.shrink(-change);
        }
        prefetch = target;
    }

    /** Gives back lease slots taken but not filled (fewer deliveries than asked for, or a failed call). */
    void returnLeaseSlots(int unused) {
        if (unused > 0) {
            leaseSlots.release(unused);
        }
    }

    /** Blocks until a task may run. */
    void acquireRun() throws InterruptedException {
        runSlots.acquire();
    }

    /** Frees what an ended execution held: its lease slot, and its run slot when it had one. */
    void free(boolean heldRunSlot) {
        if (heldRunSlot) {
            runSlots.release();
        }
        ended.incrementAndGet();
        lastEndNanos = nanoTime.getAsLong();
        leaseSlots.release();
    }

    /** Gives back a run slot taken by an execution that had already ended when it got it. */
    void releaseRun() {
        runSlots.release();
    }

    int freeLeaseSlots() {
        return leaseSlots.availablePermits();
    }

    int freeRunSlots() {
        return runSlots.availablePermits();
    }

    /** Executions leased ahead of a run slot, at most, now. */
    int prefetch() {
        return prefetch;
    }

    /** Lease slots whose count can shrink below what is held (Semaphore's own reduction is protected). */
    private static final class LeaseSlots extends Semaphore {
        LeaseSlots(int permits) {
            super(permits);
        }

        void shrink(int by) {
            reducePermits(by);
        }

        /**
         * Takes every free slot. Unlike drainPermits, which sets a negative count to zero, it leaves a shrink's
         * debt in place.
         */
        int takeFree() {
            while (true) {
                int free = availablePermits();
                if (free <= 0) {
                    return 0;
                }
                if (tryAcquire(free)) {
                    return free;
                }
            }
        }
    }
}
