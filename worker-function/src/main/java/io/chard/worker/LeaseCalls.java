package io.chard.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds back a heartbeat's "lost" verdicts until the lease calls in flight have handed on what they leased.
 * A lease call that handed a lapsed execution back to this same worker ran in Redis before the heartbeat that
 * found the old token gone, yet its reply can reach the worker second: acted on at once, the verdict would stop
 * the run the new lease is about to carry on, and the new lease would then start the task body a second time.
 */
final class LeaseCalls {
    private int inFlight;
    private final List<Runnable> held = new ArrayList<>();

    /** Before a lease call is sent. */
    synchronized void sending() {
        inFlight++;
    }

    /** After the call's deliveries were handed on, or it failed: runs the verdicts held for it. */
    void handedOn() {
        List<Runnable> due;
        synchronized (this) {
            inFlight--;
            if (inFlight > 0 || held.isEmpty()) {
                return;
            }
            due = List.copyOf(held);
            held.clear();
        }
        due.forEach(Runnable::run);
    }

    /** Runs {@code verdict} now when no lease call is in flight, else once they all handed on their leases. */
    void afterLeasesInFlight(Runnable verdict) {
        synchronized (this) {
            if (inFlight > 0) {
                held.add(verdict);
                return;
            }
        }
        verdict.run();
    }
}
