package io.chard.worker;

import io.chard.loop.Loop;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the worker's loops (lease, heartbeat, settler) on the shared {@link Loop} and catches what Loop lets
 * through: an Error (out of memory, a stack overflow, a class that failed to link). Such a loop must not die
 * silently, since a worker whose heartbeat stopped keeps running tasks whose leases lapse, and those tasks
 * run twice. The first Error goes to the handler, which stops the worker; the failed loop then waits until
 * that stop ends it.
 */
final class LoopGuard {
    /** Long enough that a failed loop does nothing more before the stop wakes it. */
    private static final Duration PARKED = Duration.ofDays(1);

    /** Told once, on the loop's own thread: must hand the stopping to another thread. */
    @FunctionalInterface
    interface Handler {
        void failed(String loop, Error error);
    }

    private final Handler handler;
    private final AtomicReference<Error> failure = new AtomicReference<>();

    LoopGuard(Handler handler) {
        this.handler = handler;
    }

    Loop loop(String name, Loop.Step step) {
        return new Loop(name, () -> {
            try {
                return step.run();
            } catch (Error e) {
                if (failure.compareAndSet(null, e)) {
                    handler.failed(name, e);
                } else {
                    failure.get().addSuppressed(e);
                }
                return PARKED;
            }
        });
    }

    /** The Error that ended a loop, if one did. */
    Optional<Error> failure() {
        return Optional.ofNullable(failure.get());
    }
}
