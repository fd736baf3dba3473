package io.chard.broker;

/** What a revoke did. */
public enum Revocation {
    /** It was waiting; it is revoked and will never run. */
    REVOKED,
    /** It is running; its worker is asked to stop at its next heartbeat. */
    STOP_REQUESTED,
    /** It had already ended. */
    ALREADY_FINISHED,
    /** The broker holds no such execution (never dispatched, or finished longer ago than the result TTL). */
    UNKNOWN
}
