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

    /** Where an execution holding a lock is: a lock can only go when it first starts or when it ends. */
    public enum Stage {
        START, END
    }

    /**
     * Whether the lock goes when its execution reaches {@code stage} (a lock for a period never does: its TTL ends
     * it). unique.lua's {@code unique_release} applies this rule in Redis; test mode's broker applies it here.
     */
    public boolean releasedBy(Stage stage) {
        return switch (stage) {
            case START -> this == WHILE_PENDING;
            case END -> this == WHILE_PENDING || this == WHILE_RUNNING;
        };
    }
}
