package io.chard.config;

/**
 * How much history Redis holds for the recorder (see docs/architecture.md, "Bounded Redis memory"); read by
 * {@code RedisBroker} from {@link ChardSettings#EVENTS_MAX_LENGTH} and {@link ChardSettings#HISTORY_ENABLED}.
 *
 * @param maxLength      the bound on each partition's event stream, in entries: dispatch is refused (503) once a
 *                       stream holds a third of it, since each admitted execution may still write two events; the
 *                       health check turns unhealthy at a sixth. 3,000,000 entries is about 1 GB with small
 *                       payloads; lower it on a small Redis
 * @param historyEnabled {@code chard.history.enabled}: false writes no events at all (a deployment without history)
 */
public record EventsConfig(long maxLength, boolean historyEnabled) {
    public static final String DEFAULT_MAX_LENGTH = "3000000";

    /** Dispatch waits once a stream holds this many entries. */
    public long admissionLimit() {
        return maxLength / 3;
    }

    /** The health check reports the history as lagging from this many entries in a stream. */
    public long unhealthyAt() {
        return maxLength / 6;
    }
}
