package io.chard.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Takes SIGTERM, SIGINT (Ctrl-C) and SIGHUP from the JVM, so that the local mode stops in its own order. The JVM's
 * own reaction runs every shutdown hook at once, in no order, and the embedded servers' libraries register hooks
 * of their own: Redis and PostgreSQL were stopped while the application still used them. After the first signal
 * the caller stops what it started and exits; a second one exits at once (the servers' hooks still stop them).
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final List<String> STOPPING = List.of("TERM", "INT", "HUP");

    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String first;

    private StopSignals() {
    }

    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : STOPPING) {
            try {
                Signal.handle(new Signal(name), signals::received);
            } catch (IllegalArgumentException e) {
                // -Xrs, or a JVM that keeps this signal: it then stops the JVM itself, unordered.
                LOG.warn("cannot take SIG{}: {}", name, e.getMessage());
            }
        }
        return signals;
    }

    /** Blocks until the first stopping signal and answers its name. */
    String await() throws InterruptedException {
        received.await();
        return first;
    }

    private void received(Signal signal) {
        if (received.getCount() == 0) {
            LOG.warn("second SIG{}: exiting without waiting for the application", signal.getName());
            System.exit(128 + signal.getNumber());
        }
        first = signal.getName();
        received.countDown();
    }
}
