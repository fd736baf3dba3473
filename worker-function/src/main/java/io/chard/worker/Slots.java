package io.chard.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The worker's capacity, in two counts: lease slots (every execution held, from lease to settlement: the
 * running ones plus the prefetched) and run slots (tasks running at once). Decides how many slots one lease
 * round trip asks for.
 */
final class Slots {
    /** How long one lease round waits for a first free slot before looking again (so stop is noticed). */
    static final long FIRST_SLOT_WAIT_MILLIS = 200;
    /** How long it lingers for a worthwhile batch once a few slots are free. */
    static final long LINGER_MILLIS = 2;

    private final Semaphore leaseSlots;
    private final Semaphore runSlots;
    private final int capacity;
    private final int leaseBatch;

    Slots(int concurrency, int prefetch, int leaseBatch) {
        this.capacity = concurrency + prefetch;
        this.leaseBatch = leaseBatch;
        this.leaseSlots = new Semaphore(capacity);
        this.runSlots = new Semaphore(concurrency);
    }

    /**
     * Waits up to 200 ms for one free lease slot, then takes every free one (at most one lease batch). When
     * only a few are free, it lingers up to 2 ms for a quarter of the capacity: under a stream of short tasks
     * slots free one by one, and leasing them one per round trip would cap throughput at the round-trip rate.
     *
     * @return the slots taken (0 when none came free); give back those the lease did not fill
     */
    int takeForLease() throws InterruptedException {
        if (!leaseSlots.tryAcquire(FIRST_SLOT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            return 0;
        }
        int taken = 1 + leaseSlots.drainPermits();
        int worthATrip = Math.min(leaseBatch, Math.max(1, capacity / 4));
        if (taken < worthATrip && leaseSlots.tryAcquire(worthATrip - taken, LINGER_MILLIS, TimeUnit.MILLISECONDS)) {
            taken = worthATrip + leaseSlots.drainPermits();
        }
        int excess = taken - leaseBatch;
        if (excess > 0) {
            leaseSlots.release(excess);
            taken -= excess;
        }
        return taken;
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
}
