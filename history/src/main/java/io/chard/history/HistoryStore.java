package io.chard.history;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/** The durable history of executions (PostgreSQL), written by the recorder and read by the admin API. */
public interface HistoryStore {

    /** Applies folded changes idempotently: replaying them, or applying an older one late, changes nothing. */
    void apply(Collection<ExecutionChange> changes) throws HistoryUnavailableException;

    Optional<ExecutionRecord> find(UUID id);
}
