package io.chard.history;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The durable history of executions (PostgreSQL), written by the recorder and read by the admin API. */
public interface HistoryStore {

    /** Applies folded changes idempotently: replaying them, or applying an older one late, changes nothing. */
    void apply(Collection<ExecutionChange> changes) throws HistoryUnavailableException;

    Optional<ExecutionRecord> find(UUID id);

    /** A page of matching executions, newest first, and how many match in all. */
    Page search(ExecutionFilter filter, int page, int perPage);

    /** The ids of up to {@code limit} matching executions, newest first. */
    List<UUID> ids(ExecutionFilter filter, int limit);

    /** The executions an operator created by retrying {@code id}. */
    List<UUID> retriedBy(UUID id);

    /** Rows changed after {@code since} (by the recorder's clock), oldest change first. */
    List<ExecutionRecord> changedSince(Instant since, int limit);

    /** Successes and failures per minute since {@code since} (key: the status). */
    List<MinuteCount> outcomesPerMinute(Instant since);

    /** Successes per queue and minute since {@code since} (key: the queue). */
    List<MinuteCount> successesPerQueueMinute(Instant since);

    record Page(List<ExecutionRecord> items, long total) {
    }
}
