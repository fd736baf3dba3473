package io.chard.loop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * A background thread that repeats one step until stopped. The step answers how long to pause before the
 * next run; stopping wakes the pause, so shutdown never waits out a backoff. An exception the step did not
 * handle is logged and followed by a one-second pause: the loop itself never dies.
 */
public final class Loop {
    private static final Logger LOG = LoggerFactory.getLogger(Loop.class);

    /** One round of work; answers the pause before the next. */
    @FunctionalInterface
    public interface Step {
        Duration run();
    }

    private final String name;
    private final Step step;
    private final Waiter waiter = new Waiter();
    private volatile boolean stopping;
    private Thread thread;

    public Loop(String name, Step step) {
        this.name = name;
        this.step = step;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name(name).start(this::run);
        }
    }

    /**
     * Stops after the current step, waiting for it at most {@code patience}; answers whether the loop's thread has
     * ended (or never started), after which what it used may be touched by the caller.
     */
    public boolean stop(Duration patience) {
        stopping = true;
        waiter.wake();
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            try {
                running.join(patience.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return running == null || !running.isAlive();
    }

    private void run() {
        while (!stopping) {
            Duration pause;
            try {
                pause = step.run();
            } catch (RuntimeException e) {
                LOG.error("{}: unexpected error; going on in a second", name, e);
                pause = Duration.ofSeconds(1);
            }
            if (!pause.isZero() && !stopping) {
                waiter.sleep(pause);
            }
        }
    }
}
