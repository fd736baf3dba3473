package io.chard.task;

/**
 * How long a unique task's lock holds ({@link Task#unique()}). While it holds, a dispatch of the same task with the
 * same key (its arguments, or the argument {@link Task#uniqueKey()} names) enqueues nothing and answers the id of
 * the execution holding the lock, as a repeated idempotency key does.
 */
public enum Unique {
    /** Not unique (the default). */
    NONE(""),
    /** Until the execution first starts, or ends without starting (revoked, purged, expired). */
    WHILE_PENDING("start"),
    /** Until the execution ends: succeeded, failed, revoked, purged or expired; a retry still holds it. */
    WHILE_RUNNING("end"),
    /** For {@link Task#uniqueFor()} seconds after the dispatch, whatever the execution does. */
    FOR_PERIOD("");

    /** When the scripts release the lock (unique.lua): at the execution's start, its end, or never (TTL only). */
    private final String releasedAt;

    Unique(String releasedAt) {
        this.releasedAt = releasedAt;
    }

    public String releasedAt() {
        return releasedAt;
    }
}
