package io.chard.broker;

/**
 * A queue purge stopped at the history's event stream bound: no recorder drains the stream (PostgreSQL down, or the
 * recorder stopped), and each purged execution writes an event. The executions revoked before the stop stay
 * revoked; the rest still wait, for the same purge once the recorder has caught up.
 */
public final class PurgeStoppedException extends BrokerUnavailableException {
    private final long purged;

    public PurgeStoppedException(long purged, long length) {
        super("the history recorder is behind: the event stream holds " + length + " events; the purge revoked "
                + purged + " and stopped, the rest still wait: purge again once the recorder has caught up", null);
        this.purged = purged;
    }

    /** How many executions the purge revoked before it stopped. */
    public long purged() {
        return purged;
    }
}
