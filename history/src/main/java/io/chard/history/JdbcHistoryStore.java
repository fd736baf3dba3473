package io.chard.history;

import io.chard.database.Jdbc;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The history in PostgreSQL. A batch of changes is one statement over arrays (one round trip however many
 * rows): insert the executions new to the table, and update the others column by column, where a newer change
 * (higher event seq) overrides and an older one only fills what is still empty.
 */
@Singleton
public final class JdbcHistoryStore implements HistoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcHistoryStore.class);
    private static final String TABLE = "background_tasks_task_execution";

    /** The columns a change carries, with their SQL types, in the order of {@link #COLUMN_VALUES}. */
    private static final String[][] COLUMNS = {
            {"task_name", "text"}, {"status", "text"}, {"queue", "text"}, {"priority", "smallint"},
            {"args", "jsonb"}, {"kwargs", "jsonb"}, {"result", "jsonb"}, {"traceback", "text"},
            {"exception_type", "text"}, {"exception_message", "text"}, {"revoke_reason", "text"},
            {"worker", "text"}, {"retries", "integer"}, {"deliveries", "integer"}, {"stale_reports", "integer"},
            {"progress", "smallint"}, {"progress_step", "text"}, {"idempotency_key", "text"},
            {"retried_from_id", "uuid"}, {"queued_at", "timestamptz"}, {"eta", "timestamptz"},
            {"expires_at", "timestamptz"}, {"started_at", "timestamptz"}, {"finished_at", "timestamptz"},
            {"heartbeat_at", "timestamptz"}, {"timeline", "jsonb"}};

    private static final List<Function<ExecutionChange, String>> COLUMN_VALUES = List.of(
            c -> c.taskName, c -> c.status, c -> c.queue, c -> c.priority, c -> c.args, c -> c.kwargs,
            c -> c.result, c -> c.traceback, c -> c.exceptionType, c -> c.exceptionMessage, c -> c.revokeReason,
            c -> c.worker, c -> c.retries, c -> c.deliveries, c -> c.staleReports, c -> c.progress,
            c -> c.progressStep, c -> c.idempotencyKey,
            c -> c.retriedFromId, c -> c.queuedAt, c -> c.eta,
            c -> c.expiresAt, c -> c.startedAt, c -> c.finishedAt,
            c -> c.heartbeatAt, c -> c.timelineJson);

    private static final String UPSERT = upsertSql();

    private final DataSource dataSource;
    private final Jdbc jdbc;

    public JdbcHistoryStore(DataSource dataSource, Jdbc jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /**
     * Writes the batch. Two rare cases get a second statement: a row another recorder inserted concurrently
     * (invisible to this statement's snapshot, so neither inserted nor updated here) is updated again once
     * committed; and when PostgreSQL refuses a value (class 22/23: a NUL character, an over-long text), the
     * changes are written one by one so that one bad execution cannot hold up the whole history.
     */
    @Override
    public void apply(Collection<ExecutionChange> changes) throws HistoryUnavailableException {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            try {
                Set<UUID> written = upsert(connection, changes);
                List<ExecutionChange> unseen = changes.stream().filter(c -> !written.contains(c.id)).toList();
                if (!unseen.isEmpty()) {
                    upsert(connection, unseen);
                }
            } catch (SQLException e) {
                if (!refusedValue(e)) {
                    throw e;
                }
                for (ExecutionChange change : changes) {
                    applyAlone(connection, change);
                }
            }
        } catch (SQLException e) {
            throw new HistoryUnavailableException("writing " + changes.size() + " history rows failed: "
                    + e.getMessage(), e);
        }
    }

    private void applyAlone(Connection connection, ExecutionChange change) throws SQLException {
        try {
            upsert(connection, List.of(change));
        } catch (SQLException e) {
            if (!refusedValue(e)) {
                throw e;
            }
            LOG.error("history change of {} refused by PostgreSQL and left out: {}", change.id, e.getMessage());
        }
    }

    private static boolean refusedValue(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    @Override
    public Optional<ExecutionRecord> find(UUID id) {
        return jdbc.one("SELECT * FROM " + TABLE + " WHERE id = ?", JdbcHistoryStore::record, id);
    }

    @Override
    public Page search(ExecutionFilter filter, int page, int perPage) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(perPage);
        parameters.add((long) (page - 1) * perPage);
        List<ExecutionRecord> items = jdbc.list("SELECT * FROM " + TABLE + where.sql()
                + " ORDER BY queued_at DESC NULLS LAST, id LIMIT ? OFFSET ?", JdbcHistoryStore::record, parameters.toArray());
        long total = jdbc.count("SELECT count(*) FROM " + TABLE + where.sql(), where.parameters().toArray());
        return new Page(items, total);
    }

    @Override
    public List<UUID> ids(ExecutionFilter filter, int limit) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(limit);
        return jdbc.list("SELECT id FROM " + TABLE + where.sql() + " ORDER BY queued_at DESC NULLS LAST LIMIT ?",
                row -> row.getObject(1, UUID.class), parameters.toArray());
    }

    @Override
    public List<UUID> retriedBy(UUID id) {
        return jdbc.list("SELECT id FROM " + TABLE + " WHERE retried_from_id = ? ORDER BY queued_at",
                row -> row.getObject(1, UUID.class), id);
    }

    @Override
    public List<ExecutionRecord> changedSince(Instant since, int limit) {
        return jdbc.list("SELECT * FROM " + TABLE + " WHERE updated_at > ? ORDER BY updated_at LIMIT ?",
                JdbcHistoryStore::record, Timestamp.from(since), limit);
    }

    @Override
    public List<MinuteCount> outcomesPerMinute(Instant since) {
        return perMinute("status", "status IN ('success', 'failed')", since);
    }

    @Override
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
            String text = filter.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            parameters.add(text.toLowerCase() + "%");
            parameters.add("%" + text + "%");
        }
        return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), parameters);
    }

    static ExecutionRecord record(ResultSet row) throws SQLException {
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

    private static java.time.Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** One statement (auto-commit) over the batch; answers the ids it inserted or updated. */
    private static Set<UUID> upsert(Connection connection, Collection<ExecutionChange> changes) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            List<Array> arrays = new ArrayList<>();
            arrays.add(connection.createArrayOf("text", changes.stream().map(c -> c.id.toString()).toArray()));
            arrays.add(connection.createArrayOf("text",
                    changes.stream().map(c -> Long.toString(c.seq)).toArray()));
            for (Function<ExecutionChange, String> value : COLUMN_VALUES) {
                arrays.add(connection.createArrayOf("text", changes.stream().map(value).toArray()));
            }
            for (int i = 0; i < arrays.size(); i++) {
                statement.setArray(i + 1, arrays.get(i));
            }
            Set<UUID> written = new HashSet<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    written.add(rows.getObject(1, UUID.class));
                }
            }
            return written;
        }
    }

    /** {@code SELECT ... FROM unnest(?::uuid[], ?::bigint[], ...) AS c(id, seq, ...)}: one row per change. */
    private static String changesSource() {
        StringBuilder casts = new StringBuilder("?::uuid[], ?::bigint[]");
        StringBuilder names = new StringBuilder("id, seq");
        for (String[] column : COLUMNS) {
            casts.append(", ?::").append(column[1]).append("[]");
            names.append(", ").append(column[0]);
        }
        return "unnest(" + casts + ") AS c(" + names + ")";
    }

    /**
     * {@code WITH c AS (changes), inserted AS (INSERT new rows ... RETURNING id), updated AS (UPDATE the rest ...
     * RETURNING id)}, answering every id it wrote or that already held the change (a replay). The UPDATE runs on
     * the statement's snapshot, so it never sees (or touches) the rows the INSERT just wrote.
     */
    private static String upsertSql() {
        StringBuilder columns = new StringBuilder("id, task_id, last_event_seq");
        StringBuilder values = new StringBuilder("c.id, c.id::text, c.seq");
        StringBuilder sets = new StringBuilder("last_event_seq = GREATEST(t.last_event_seq, c.seq), updated_at = now()");
        for (String[] column : COLUMNS) {
            String name = column[0];
            columns.append(", ").append(name);
            values.append(", ").append(defaulted(name));
            sets.append(", ").append(name).append(" = ").append(merged(name));
        }
        return "WITH c AS (SELECT * FROM " + changesSource() + "), inserted AS (INSERT INTO " + TABLE + " ("
                + columns + ") SELECT " + values + " FROM c ON CONFLICT (id) DO NOTHING RETURNING id) "
                + ", updated AS (UPDATE " + TABLE + " t SET " + sets + " FROM c WHERE t.id = c.id "
                + "AND t.last_event_seq <> c.seq AND c.id NOT IN (SELECT id FROM inserted) RETURNING t.id) "
                + "SELECT id FROM inserted UNION ALL SELECT id FROM updated UNION ALL "
                + "SELECT t.id FROM " + TABLE + " t JOIN c ON t.id = c.id AND t.last_event_seq = c.seq";
    }

    /**
     * A newer change overrides, an older one fills gaps; the timeline instead gains the change's entries the
     * row has not seen (by event seq), so replays never duplicate them.
     */
    private static String merged(String column) {
        if (column.equals("timeline")) {
            return "t.timeline || COALESCE((SELECT jsonb_agg(e ORDER BY (e->>'seq')::bigint) "
                    + "FROM jsonb_array_elements(c.timeline) e WHERE (e->>'seq')::bigint > t.last_event_seq), '[]')";
        }
        return "CASE WHEN c.seq > t.last_event_seq THEN COALESCE(c." + column + ", t." + column
                + ") ELSE COALESCE(t." + column + ", c." + column + ") END";
    }

    /** Columns that are NOT NULL take their default on insert when no change set them. */
    private static String defaulted(String column) {
        return switch (column) {
            case "status" -> "COALESCE(c.status, 'pending')";
            case "queue" -> "COALESCE(c.queue, 'default')";
            case "priority" -> "COALESCE(c.priority, 5)";
            case "retries", "deliveries", "stale_reports", "progress" -> "COALESCE(c." + column + ", 0)";
            case "timeline" -> "COALESCE(c.timeline, '[]')";
            default -> "c." + column;
        };
    }
}
