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
    /** The arguments' text in dispatch order (V190): jsonb reorders object keys, the views show this instead. */
    ARGS_TEXT("args_text", "text", c -> c.args),
    KWARGS_TEXT("kwargs_text", "text", c -> c.kwargs),
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
    PARENT_ID("parent_id", "uuid", c -> c.parentId),
    ROOT_ID("root_id", "uuid", c -> c.rootId),
    GROUP_ID("group_id", "uuid", c -> c.groupId),
    QUEUED_AT("queued_at", "timestamptz", c -> c.queuedAt),
    ETA("eta", "timestamptz", c -> c.eta),
    EXPIRES_AT("expires_at", "timestamptz", c -> c.expiresAt),
    STARTED_AT("started_at", "timestamptz", c -> c.startedAt),
    FINISHED_AT("finished_at", "timestamptz", c -> c.finishedAt),
    HEARTBEAT_AT("heartbeat_at", "timestamptz", c -> c.heartbeatAt),
    /** The W3C trace id the dispatch carried (V160). */
    TRACE_ID("trace_id", "text", c -> c.traceId),
    /** A workflow's tree, on its first member's row (V180: the view background_tasks_workflow). */
    WORKFLOW_TREE("workflow_tree", "jsonb", c -> c.workflowTree),
    /**
     * Gains the change's entries the row does not hold yet (by event seq), older ones too, kept in seq order: a
     * replay never duplicates an entry, and a late older change still adds its own. Both arrays are in seq order (a
     * change's by {@link ExecutionChange#seal}, the row's by this merge), so when the change's first entry is newer
     * than the row's last, as for nearly every change, the merge is the two arrays one after the other: taking the
     * arrays apart and aggregating them again for every row was about a sixth of the writer's statement.
     */
    TIMELINE("timeline", "jsonb", c -> c.timelineJson, "'[]'") {
        @Override
        String merged() {
            return "CASE WHEN c.timeline IS NULL THEN t.timeline WHEN (c.timeline->0->>'seq')::bigint > "
                    + "COALESCE((t.timeline->-1->>'seq')::bigint, -1) THEN t.timeline || c.timeline "
                    + "ELSE (SELECT COALESCE(jsonb_agg(e ORDER BY "
                    + "(e->>'seq')::bigint), '[]') FROM (SELECT e FROM jsonb_array_elements(t.timeline) e UNION ALL "
                    + "SELECT e FROM jsonb_array_elements(c.timeline) e WHERE (e->>'seq')::bigint NOT IN "
                    + "(SELECT (h->>'seq')::bigint FROM jsonb_array_elements(t.timeline) h)) entries) END";
        }

        @Override
        boolean tracksDefault() {
            return false;
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

    /**
     * The value of an existing row after the change: a newer change overrides, an older one fills gaps. For a
     * NOT NULL column a gap is its insert default, listed in the row's {@code defaulted} (see {@link #DEFAULTED}).
     */
    String merged() {
        String gap = tracksDefault() ? "'" + column + "' = ANY(t.defaulted)" : "t." + column + " IS NULL";
        return "CASE WHEN c." + column + " IS NOT NULL AND (c.seq > t.last_event_seq OR " + gap + ") THEN c."
                + column + " ELSE t." + column + " END";
    }

    /** Whether the column takes an insert default that a later, older change must still be able to replace. */
    boolean tracksDefault() {
        return insertDefault != null;
    }

    /**
     * The {@code defaulted} column: the names of the columns a row holds only their insert default for. Without it
     * a newer change that created the row (a second recorder, a restarted one claiming a dead one's batch) left
     * queue 'default', priority 5 and deliveries 0 for good, since the default looked like a value.
     */
    static final String DEFAULTED = "defaulted";

    /** The {@code defaulted} value on insert: the tracked columns the change leaves empty. */
    static String defaultedOnInsert() {
        return "ARRAY_REMOVE(ARRAY[" + tracked("IS NULL") + "]::text[], NULL)";
    }

    /** The {@code defaulted} value after a change: less the columns it set. */
    static String defaultedAfterUpdate() {
        return "ARRAY(SELECT d FROM unnest(t.defaulted) d WHERE d <> ALL(ARRAY_REMOVE(ARRAY[" + tracked("IS NOT NULL")
                + "]::text[], NULL)))";
    }

    private static String tracked(String condition) {
        return java.util.Arrays.stream(values()).filter(HistoryColumn::tracksDefault)
                .map(c -> "CASE WHEN c." + c.column + " " + condition + " THEN '" + c.column + "' END")
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
