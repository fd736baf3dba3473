package io.chard.broker;

/**
 * Dispatch refused because the event stream is full: no recorder has drained it (PostgreSQL down, or the recorder
 * stopped). Nothing was stored; the same dispatch succeeds once the recorder catches up. Refusing keeps the
 * promise that history is complete, where trimming the stream would drop it.
 */
public final class EventBacklogFullException extends BrokerUnavailableException {
    public EventBacklogFullException(long length, long maxLength) {
        super("the history recorder is behind: the event stream holds " + length + " events (dispatch waits from "
                + maxLength / 3 + ", chard.events.max-length = " + maxLength + "); nothing was enqueued, retry "
                + "once the recorder has caught up", null);
    }
}
