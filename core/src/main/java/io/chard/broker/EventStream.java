package io.chard.broker;

import java.time.Duration;
import java.util.List;

/**
 * The broker's stream of execution events, read by the history recorder in a consumer group. Entries stay
 * until acknowledged, so a recorder that stops (or whose database is down) loses nothing.
 */
public interface EventStream extends AutoCloseable {

    /**
     * About {@code max} events, waiting at most {@code block}: first this consumer's unacknowledged ones. One entry
     * may stand for several executions' alike events (one each), so a read can bring more than {@code max} when its
     * entries list more than the ones before, and fewer when they list less.
     */
    List<BrokerEvent> read(int max, Duration block);

    void acknowledge(List<BrokerEvent> events);

    /** Makes the next read start again from this consumer's oldest unacknowledged event (after a failed write). */
    void rewind();

    /** Drops entries every consumer has acknowledged. */
    void trim();

    @Override
    void close();
}
