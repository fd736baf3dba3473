package io.chard.history;

import io.chard.database.Jdbc;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The history as admin-api reads it: one execution, filtered pages and ids, retries of an execution, rows
 * changed since a time, and outcomes per minute. Only reads; {@link HistoryWriter} is the recorder's write path.
 */
@Singleton
public final class HistoryStore {
    static final String TABLE = "background_tasks_task_execution";
    /** The text the error search reads; the same expression as the index of V101, or the index is not used. */
    static final String ERROR_DOCUMENT = "to_tsvector('simple', coalesce(exception_type, '') || ' ' "
            + "|| coalesce(exception_message, ''))";

    private final Jdbc jdbc;

    public HistoryStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public record Page(List<ExecutionRecord> items, long total) {
    }

    public Optional<ExecutionRecord> find(UUID id) {
        return jdbc.one("SELECT * FROM " + TABLE + " WHERE id = ?", HistoryStore::record, id);
    }

    /** A page of matching executions, newest first, and how many match in all. */
    public Page search(ExecutionFilter filter, int page, int perPage) {
        return search(filter, ExecutionOrder.DEFAULT, page, perPage);
    }

    /** A page of matching executions in the given order, and how many match in all. */
    public Page search(ExecutionFilter filter, ExecutionOrder.Sort sort, int page, int perPage) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(perPage);
        parameters.add((long) (page - 1) * perPage);
        List<ExecutionRecord> items = jdbc.list("SELECT * FROM " + TABLE + where.sql() + sort.sql()
                + " LIMIT ? OFFSET ?", HistoryStore::record, parameters.toArray());
        long total = jdbc.count("SELECT count(*) FROM " + TABLE + where.sql(), where.parameters().toArray());
        return new Page(items, total);
    }

    /** The ids of up to {@code limit} matching executions, newest first. */
    public List<UUID> ids(ExecutionFilter filter, int limit) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(limit);
        return jdbc.list("SELECT id FROM " + TABLE + where.sql() + ExecutionOrder.DEFAULT.sql() + " LIMIT ?",
                row -> row.getObject(1, UUID.class), parameters.toArray());
    }

    /** The executions an operator created by retrying {@code id}. */
    public List<UUID> retriedBy(UUID id) {
        return jdbc.list("SELECT id FROM " + TABLE + " WHERE retried_from_id = ? ORDER BY queued_at",
                row -> row.getObject(1, UUID.class), id);
    }

    /** Rows changed after {@code since} (by the recorder's clock), oldest change first. */
    public List<ExecutionRecord> changedSince(Instant since, int limit) {
        return jdbc.list("SELECT * FROM " + TABLE + " WHERE updated_at > ? ORDER BY updated_at LIMIT ?",
                HistoryStore::record, Timestamp.from(since), limit);
    }

    /** Successes and failures per minute since {@code since} (key: the status). */
    public List<MinuteCount> outcomesPerMinute(Instant since) {
        return perMinute("status", "status IN ('success', 'failed')", since);
    }

    /** Successes per queue and minute since {@code since} (key: the queue). */
    public List<MinuteCount> successesPerQueueMinute(Instant since) {
        return perMinute("queue", "status = 'success'", since);
    }

    private List<MinuteCount> perMinute(String key, String condition, Instant since) {
        return jdbc.list("SELECT date_trunc('minute', finished_at) AS minute, " + key + ", count(*) FROM " + TABLE
                        + " WHERE " + condition + " AND finished_at >= ? GROUP BY 1, 2 ORDER BY 1",
                row -> new MinuteCount(row.getTimestamp(1).toInstant(), row.getString(2), row.getLong(3)),
                Timestamp.from(since));
    }

    private record Where(String sql, List<Object> parameters) {
    }

    private static Where where(ExecutionFilter filter) {
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        if (filter.statuses() != null && !filter.statuses().isEmpty()) {
            conditions.add("status = ANY(?)");
            parameters.add(filter.statuses().toArray(String[]::new));
        }
        if (filter.taskName() != null) {
            conditions.add("task_name = ?");
            parameters.add(filter.taskName());
        }
        if (filter.queue() != null) {
            conditions.add("queue = ?");
            parameters.add(filter.queue());
        }
        if (filter.since() != null) {
            conditions.add("queued_at >= ?");
            parameters.add(Timestamp.from(filter.since()));
        }
        if (filter.until() != null) {
            conditions.add("queued_at < ?");
            parameters.add(Timestamp.from(filter.until()));
        }
        if (filter.text() != null) {
            conditions.add("(id::text LIKE ? OR task_name ILIKE ?)");
            String text = likeEscaped(filter.text());
            parameters.add(text.toLowerCase() + "%");
            parameters.add("%" + text + "%");
        }
        // The jsonb_path_ops GIN indexes of V101 answer @> ; the expression index answers the full-text match.
        for (String[] containment : new String[][]{{"args", filter.args()}, {"kwargs", filter.kwargs()},
                {"result", filter.result()}}) {
            if (containment[1] != null) {
                conditions.add(containment[0] + " @> ?::jsonb");
                parameters.add(containment[1]);
            }
        }
        if (filter.error() != null) {
            conditions.add("exception_type IS NOT NULL AND " + ERROR_DOCUMENT + " @@ plainto_tsquery('simple', ?)");
            parameters.add(filter.error());
        }
        if (filter.worker() != null) {
            conditions.add("worker = ?");
            parameters.add(filter.worker());
        }
        if (filter.exceptionType() != null) {
            conditions.add("(exception_type = ? OR exception_type LIKE ?)");
            parameters.add(filter.exceptionType());
            parameters.add("%." + likeEscaped(filter.exceptionType()));
        }
        return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), parameters);
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static ExecutionRecord record(ResultSet row) throws SQLException {
        return new ExecutionRecord(row.getObject("id", UUID.class), row.getString("task_id"),
                row.getString("task_name"), row.getString("status"), row.getString("queue"), row.getInt("priority"),
                row.getString("args"), row.getString("kwargs"), row.getString("result"), row.getString("traceback"),
                row.getString("exception_type"), row.getString("exception_message"), row.getString("revoke_reason"),
                row.getString("worker"), row.getInt("retries"), row.getInt("deliveries"),
                row.getInt("stale_reports"), row.getInt("progress"), row.getString("progress_step"),
                row.getObject("retried_from_id", UUID.class), instant(row, "queued_at"), instant(row, "eta"),
                instant(row, "expires_at"), instant(row, "started_at"), instant(row, "finished_at"),
                instant(row, "heartbeat_at"), row.getString("timeline"), instant(row, "updated_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
