package io.chard.admin;

import io.chard.broker.BrokerMonitor;
import io.chard.broker.BrokerUnavailableException;
import io.chard.loop.BoundedRead;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;

/**
 * The queues' depths from Redis, for the pages that show them, within a second: a Redis that stopped answering
 * without closing the connection held the overview and the queues page for the client's 10 s timeout. The pages
 * share one read in flight ({@link BoundedRead}).
 */
@Singleton
final class QueueDepths {
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private final BoundedRead<List<BrokerMonitor.QueueDepth>> read;

    QueueDepths(BrokerMonitor monitor) {
        this.read = new BoundedRead<>(WITHIN, monitor::queues);
    }

    /** @throws BrokerUnavailableException when Redis is down or did not answer within the second */
    List<BrokerMonitor.QueueDepth> read() {
        List<BrokerMonitor.QueueDepth> depths = read.await(null);
        if (depths == null) {
            throw new BrokerUnavailableException("Redis did not answer within " + WITHIN.toMillis() + " ms", null);
        }
        return depths;
    }
}
