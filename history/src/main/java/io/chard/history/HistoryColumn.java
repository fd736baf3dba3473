package io.chard.history;

import java.util.function.Function;

/**
 * The history columns a change writes, in one table: each column's name, SQL type, the change's value for it,
 * its default on insert and how a change merges into an existing row. The writer generates its statement's
 * column list, placeholders, update clauses and parameters from this table alone, so they cannot drift apart.
 */
enum HistoryColumn {
    TASK_NAME("task_name", "text", c -> c.taskName),
    STATUS("status", "text", c -> c.status, "'pending'"),
    QUEUE("queue", "text", c -> c.queue, "'default'"),
    PRIORITY("priority", "smallint", c -> c.priority, "5"),
    ARGS("args", "jsonb", c -> c.args),
    KWARGS("kwargs", "jsonb", c -> c.kwargs),
    RESULT("result", "jsonb", c -> c.result),
    TRACEBACK("traceback", "text", c -> c.traceback),
    EXCEPTION_TYPE("exception_type", "text", c -> c.exceptionType),
    EXCEPTION_MESSAGE("exception_message", "text", c -> c.exceptionMessage),
    REVOKE_REASON("revoke_reason", "text", c -> c.revokeReason),
    WORKER("worker", "text", c -> c.worker),
    RETRIES("retries", "integer", c -> c.retries, "0"),
    DELIVERIES("deliveries", "integer", c -> c.deliveries, "0"),
    STALE_REPORTS("stale_reports", "integer", c -> c.staleReports, "0"),
    PROGRESS("progress", "smallint", c -> c.progress, "0"),
    PROGRESS_STEP("progress_step", "text", c -> c.progressStep),
    IDEMPOTENCY_KEY("idempotency_key", "text", c -> c.idempotencyKey),
    RETRIED_FROM_ID("retried_from_id", "uuid", c -> c.retriedFromId),
    QUEUED_AT("queued_at", "timestamptz", c -> c.queuedAt),
    ETA("eta", "timestamptz", c -> c.eta),
    EXPIRES_AT("expires_at", "timestamptz", c -> c.expiresAt),
    STARTED_AT("started_at", "timestamptz", c -> c.startedAt),
    FINISHED_AT("finished_at", "timestamptz", c -> c.finishedAt),
    HEARTBEAT_AT("heartbeat_at", "timestamptz", c -> c.heartbeatAt),
    /** The W3C trace id the dispatch carried (V160). */
    TRACE_ID("trace_id", "text", c -> c.traceId),
    /** Gains the change's entries the row has not seen (by event seq), so replays never duplicate them. */
    TIMELINE("timeline", "jsonb", c -> c.timelineJson, "'[]'") {
        @Override
        String merged() {
            return "t.timeline || COALESCE((SELECT jsonb_agg(e ORDER BY (e->>'seq')::bigint) "
                    + "FROM jsonb_array_elements(c.timeline) e WHERE (e->>'seq')::bigint > t.last_event_seq), '[]')";
        }
    };

    final String column;
    private final String sqlType;
    private final Function<ExecutionChange, String> value;
    /** The value a NOT NULL column takes on insert when no change set it; null for nullable columns. */
    private final String insertDefault;

    HistoryColumn(String column, String sqlType, Function<ExecutionChange, String> value) {
        this(column, sqlType, value, null);
    }

    HistoryColumn(String column, String sqlType, Function<ExecutionChange, String> value, String insertDefault) {
        this.column = column;
        this.sqlType = sqlType;
        this.value = value;
        this.insertDefault = insertDefault;
    }

    /** The change's value as text; PostgreSQL casts the whole array to {@link #sqlType} in the statement. */
    String valueOf(ExecutionChange change) {
        return value.apply(change);
    }

    /** The placeholder for this column's array of values. */
    String placeholder() {
        return "?::" + sqlType + "[]";
    }

    /** The value inserted for a new row. */
    String inserted() {
        return insertDefault == null ? "c." + column : "COALESCE(c." + column + ", " + insertDefault + ")";
    }

    /** The value of an existing row after the change: a newer change overrides, an older one fills gaps. */
    String merged() {
        return "CASE WHEN c.seq > t.last_event_seq THEN COALESCE(c." + column + ", t." + column
                + ") ELSE COALESCE(t." + column + ", c." + column + ") END";
    }
}
