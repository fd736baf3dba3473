package io.chard.history;

import io.chard.database.Jdbc;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The history as admin-api reads it: one execution, filtered pages (by number or by cursor) and ids, retries of an execution, rows
 * changed since a time, and outcomes per minute. Only reads; {@link HistoryWriter} is the recorder's write path.
 */
@Singleton
public final class HistoryStore {
    static final String TABLE = "background_tasks_task_execution";
    /** Counts up to this many matches are exact; above, an estimate (a count would read every match). */
    public static final int EXACT_BELOW = 10_000;
    /** The list order; every list index ends in it (V150), so a page is read from an index, not sorted. */
    private static final String ORDER = "queued_at DESC NULLS LAST, id DESC";
    private static final Pattern PLAN_ROWS = Pattern.compile("rows=(\\d+)");
    /** The text the error search reads; the same expression as the index of V101, or the index is not used. */
    /** As the index of V194 has it: the type's dotted name split into its parts, the message as it is. */
    static final String ERROR_DOCUMENT = "to_tsvector('simple', translate(coalesce(exception_type, ''), '.$', '  ') "
            + "|| ' ' || coalesce(exception_message, ''))";

    private final Jdbc jdbc;

    public HistoryStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A page of executions, newest first. {@code total} counts every match exactly up to {@link #EXACT_BELOW};
     * above, it is PostgreSQL's estimate and {@code estimated} says so. {@code nextCursor} continues after the
     * page's last row ({@link #after}); null when no row follows.
     */
    public record Page(List<ExecutionRecord> items, long total, boolean estimated, @Nullable String nextCursor) {
    }

    public Optional<ExecutionRecord> find(UUID id) {
        return jdbc.one("SELECT * FROM " + TABLE + " WHERE id = ?", HistoryStore::record, id);
    }

    /** Page {@code page} (from 1) of matching executions, newest first, and how many match in all. */
    public Page search(ExecutionFilter filter, int page, int perPage) {
        return search(filter, ExecutionOrder.DEFAULT, page, perPage);
    }

    /** A page of matching executions in the given order, and how many match in all. */
    public Page search(ExecutionFilter filter, ExecutionOrder.Sort sort, int page, int perPage) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(perPage + 1);
        parameters.add((long) (page - 1) * perPage);
        List<ExecutionRecord> rows = jdbc.list("SELECT * FROM " + TABLE + where.sql() + sort.sql()
                + " LIMIT ? OFFSET ?", HistoryStore::record, parameters.toArray());
        boolean all = page == 1 && rows.size() <= perPage;
        return page(rows, perPage, all ? new Count(rows.size(), false) : count(where), sort.equals(ExecutionOrder.DEFAULT));
    }

    /**
     * The matching executions after {@code cursor} (a {@link Page#nextCursor}), newest first: a keyset page,
     * which reads {@code perPage} rows from the list index however deep it is, where OFFSET skips every row
     * before. Rows queued while paging appear before the cursor, so a walk sees every row once.
     *
     * @throws IllegalArgumentException when the cursor is not one this store wrote
     */
    public Page after(ExecutionFilter filter, String cursor, int perPage) {
        Cursor from = Cursor.decode(cursor);
        Where where = where(filter);
        List<ExecutionRecord> rows = new ArrayList<>();
        if (from.queuedAt() != null) {
            rows.addAll(list(where, " AND (queued_at, id) < (?, ?) ORDER BY " + ORDER, perPage + 1,
                    Timestamp.from(from.queuedAt()), from.id()));
        }
        if (rows.size() <= perPage) {
            // Rows never queued (a change that came before its enqueued event) sort last, by id.
            String nulls = " AND queued_at IS NULL" + (from.queuedAt() == null ? " AND id < ?" : "") + " ORDER BY id DESC";
            Object[] bound = from.queuedAt() == null ? new Object[]{from.id()} : new Object[0];
            rows.addAll(list(where, nulls, perPage + 1 - rows.size(), bound));
        }
        return page(rows, perPage, count(where));
    }

    /** The cursor that continues after {@code row}, as {@link Page#nextCursor} would be after it. */
    public static String cursorAfter(ExecutionRecord row) {
        return Cursor.of(row).encode();
    }

    /** The ids of up to {@code limit} matching executions, newest first. */
    public List<UUID> ids(ExecutionFilter filter, int limit) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(limit);
        return jdbc.list("SELECT id FROM " + TABLE + where.sql() + " ORDER BY " + ORDER + " LIMIT ?",
                row -> row.getObject(1, UUID.class), parameters.toArray());
    }

    private List<ExecutionRecord> list(Where where, String tail, int limit, Object... bound) {
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.addAll(List.of(bound));
        parameters.add(limit);
        String sql = where.sql().isEmpty() ? " WHERE TRUE" : where.sql();
        return jdbc.list("SELECT * FROM " + TABLE + sql + tail + " LIMIT ?", HistoryStore::record,
                parameters.toArray());
    }

    private static Page page(List<ExecutionRecord> rows, int perPage, Count count) {
        return page(rows, perPage, count, true);
    }

    /** A page of {@code rows} (read one past {@code perPage}); a cursor only when the rows are in the list order. */
    private static Page page(List<ExecutionRecord> rows, int perPage, Count count, boolean inListOrder) {
        List<ExecutionRecord> items = rows.size() > perPage ? rows.subList(0, perPage) : rows;
        String next = inListOrder && rows.size() > perPage ? Cursor.of(items.getLast()).encode() : null;
        return new Page(List.copyOf(items), count.rows(), count.estimated(), next);
    }

    private record Count(long rows, boolean estimated) {
    }

    /** How many executions have {@code status}: exact up to {@link #EXACT_BELOW}, the planner's estimate beyond. */
    public record StatusCount(String status, long count, boolean estimated) {
    }

    /** Counts one status by its list index ({@code status = ?}), bounded as a list's total is. */
    public StatusCount countStatus(String status) {
        Count count = count(where(new ExecutionFilter(List.of(status), null, null, null, null, null)));
        return new StatusCount(status, count.rows(), count.estimated());
    }

    /**
     * Counts at most {@link #EXACT_BELOW} + 1 rows, so a count never reads more than that many index entries; at
     * the cap, answers the planner's estimate for the whole filter (from each partition's statistics), flagged.
     */
    private Count count(Where where) {
        Object[] parameters = where.parameters().toArray();
        long capped = jdbc.count("SELECT count(*) FROM (SELECT 1 FROM " + TABLE + where.sql() + " LIMIT "
                + (EXACT_BELOW + 1) + ") s", parameters);
        if (capped <= EXACT_BELOW) {
            return new Count(capped, false);
        }
        String plan = jdbc.one("EXPLAIN SELECT 1 FROM " + TABLE + where.sql(), row -> row.getString(1), parameters)
                .orElse("");
        Matcher rows = PLAN_ROWS.matcher(plan);
        long estimate = rows.find() ? Long.parseLong(rows.group(1)) : 0;
        return new Count(Math.max(estimate, EXACT_BELOW + 1), true);
    }

    /** Where a keyset page resumes: the last row's (queued_at, id), base64url so clients treat it as opaque. */
    private record Cursor(@Nullable Instant queuedAt, UUID id) {
        static Cursor of(ExecutionRecord row) {
            return new Cursor(row.queuedAt(), row.id());
        }

        String encode() {
            String text = (queuedAt == null ? "" : queuedAt.toString()) + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                Instant at = bar == 0 ? null : Instant.parse(text.substring(0, bar));
                return new Cursor(at, UUID.fromString(text.substring(bar + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor of this list: " + cursor, e);
            }
        }
    }

    /** One member of a canvas workflow as the history holds it. */
    public record WorkflowMember(UUID id, @Nullable String taskName, String status,
                                 @Nullable UUID parentId,
                                 @Nullable UUID groupId,
                                 @Nullable String args,
                                 @Nullable String result,
                                 @Nullable String exceptionType,
                                 @Nullable String exceptionMessage,
                                 @Nullable String reason,
                                 @Nullable Instant startedAt,
                                 @Nullable Instant finishedAt) {
    }

    /** The members of the workflow {@code rootId}, in the order they were minted (tree order), in one query. */
    public List<WorkflowMember> workflowMembers(UUID rootId) {
        return workflow(rootId).members();
    }

    /**
     * A workflow as the history holds it: its tree (recorded with its first member; null until that member's
     * event was recorded) and its members by root, in tree order, in one query. A redrive's reused members belong
     * to the workflow they first ran in: find them by id.
     */
    public record RecordedWorkflow(@Nullable String tree, List<WorkflowMember> members) {
    }

    public RecordedWorkflow workflow(UUID rootId) {
        List<MemberRow> rows = jdbc.list("SELECT id, task_name, status, parent_id, group_id, args, result, "
                + "exception_type, exception_message, revoke_reason, started_at, finished_at, workflow_tree FROM "
                + TABLE + " WHERE root_id = ? ORDER BY id", row -> new MemberRow(new WorkflowMember(
                row.getObject(1, UUID.class), row.getString(2), row.getString(3), row.getObject(4, UUID.class),
                row.getObject(5, UUID.class), row.getString(6), row.getString(7), row.getString(8),
                row.getString(9), row.getString(10), instant(row, "started_at"), instant(row, "finished_at")),
                row.getString("workflow_tree")), rootId);
        return new RecordedWorkflow(rows.stream().map(MemberRow::tree).filter(java.util.Objects::nonNull).findFirst()
                .orElse(null), rows.stream().map(MemberRow::member).toList());
    }

    private record MemberRow(WorkflowMember member, @Nullable String tree) {
    }

    /**
     * Hides up to {@code max} failures the filter matches from the Dead list, keeping their rows; answers the ids
     * it discarded now (a failure discarded before is left as it was, so running it twice discards nothing more).
     */
    public List<UUID> discard(ExecutionFilter filter, int max, String username) {
        Where where = where(filter.withLane(ExecutionLane.DEAD));
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(max);
        parameters.addFirst(username);
        return jdbc.list("UPDATE " + TABLE + " SET discarded_at = now(), discarded_by = ? WHERE id IN (SELECT id FROM "
                + TABLE + where.sql() + " ORDER BY " + ORDER + " LIMIT ?) AND discarded_at IS NULL RETURNING id",
                row -> row.getObject(1, UUID.class), parameters.toArray());
    }

    /** The executions an operator created by retrying {@code id}. */
    public List<UUID> retriedBy(UUID id) {
        return jdbc.list("SELECT id FROM " + TABLE + " WHERE retried_from_id = ? ORDER BY queued_at",
                row -> row.getObject(1, UUID.class), id);
    }

    /**
     * Rows changed after the change ({@code since}, {@code afterId}) in the order (updated_at, id), oldest change
     * first: a keyset, because one recorder statement writes every row of its batch with the same updated_at (its
     * transaction's now()), so a page that ends inside such a batch continues within it. Only changes older than
     * the start of every transaction still open in this database are read: updated_at is a write's start, not its
     * commit, so a write that began earlier and commits later (a second recorder, a writer waiting on a row lock)
     * would otherwise land behind a reader that has already moved past it.
     */
    public List<ExecutionRecord> changedSince(Instant since, UUID afterId, int limit) {
        return jdbc.list("SELECT * FROM " + TABLE + " WHERE updated_at >= ? AND (updated_at > ? OR id > ?) "
                        + "AND updated_at < " + OPEN_WRITES_HORIZON + " ORDER BY updated_at, id LIMIT ?",
                HistoryStore::record, Timestamp.from(since), Timestamp.from(since), afterId, limit);
    }

    /**
     * Where a reader of {@link #changedSince} that must miss no change from now on starts: the start of the oldest
     * transaction still open in this database, else now, on PostgreSQL's clock. A write that began before the reader
     * started and commits after it has an updated_at before "now": started at now, the reader passed it by, and a
     * page read at the same moment could not see it either (not yet committed). What it reads twice is harmless.
     */
    public Instant changeHorizon() {
        return jdbc.one("SELECT " + OPEN_WRITES_HORIZON, row -> row.getTimestamp(1).toInstant()).orElseThrow();
    }

    /**
     * The start of the oldest transaction of another session still open in this database that may yet commit a
     * history write, else now. That is one that wrote (it holds a transaction id), waits on a lock (a writer queued
     * behind a row), or began within the last 10 s (a writer before its first row: every writer of the history is one
     * statement, or a planner setting and one statement, that writes within milliseconds of its start). A reader
     * that never writes (a report, a backup's pg_dump, a session idle in a transaction) held the horizon at its own
     * start, and the live feed sent nothing for as long as it stayed open.
     */
    private static final String OPEN_WRITES_HORIZON = "(SELECT coalesce(min(xact_start), now()) FROM pg_stat_activity "
            + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' "
            + "AND xact_start IS NOT NULL AND backend_type = 'client backend' AND (backend_xid IS NOT NULL "
            + "OR wait_event_type = 'Lock' OR xact_start > now() - interval '10 seconds'))";

    private record Where(String sql, List<Object> parameters) {
    }

    private static Where where(ExecutionFilter filter) {
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        if (filter.statuses() != null && filter.statuses().size() == 1) {
            conditions.add("status = ?"); // equality, unlike ANY, lets the (status, order) index give the order
            parameters.add(filter.statuses().getFirst());
        } else if (filter.statuses() != null && !filter.statuses().isEmpty()) {
            conditions.add("status = ANY(?)");
            parameters.add(filter.statuses().toArray(String[]::new));
        }
        if (filter.lane() != null) {
            conditions.add(filter.lane().condition);
        }
        if (filter.workflow() != null) {
            conditions.add("root_id = ?"); // the root index of V170: a workflow's few members, sorted after
            parameters.add(filter.workflow());
        }
        if (filter.traceId() != null) {
            conditions.add("trace_id = ?");
            parameters.add(filter.traceId());
        }
        if (filter.ids() != null) {
            conditions.add("id = ANY(?)");
            parameters.add(filter.ids().toArray(UUID[]::new));
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
        if ((filter.args() != null || filter.kwargs() != null) && !filter.argumentsHiddenFor().isEmpty()) {
            conditions.add("coalesce(task_name, '') <> ALL (?)");
            parameters.add(filter.argumentsHiddenFor().toArray(String[]::new));
        }
        if (filter.error() != null) {
            // The words as typed (a dotted word of the message, "file.txt", is one word there), or with their dots
            // as spaces (a class named in full, "java.lang.IllegalStateException", is its parts in the type).
            conditions.add("exception_type IS NOT NULL AND (" + ERROR_DOCUMENT + " @@ plainto_tsquery('simple', ?) "
                    + "OR " + ERROR_DOCUMENT + " @@ plainto_tsquery('simple', translate(?, '.$', '  ')))");
            parameters.add(filter.error());
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
                dispatched(row, "args"), dispatched(row, "kwargs"), row.getString("result"), row.getString("traceback"),
                row.getString("exception_type"), row.getString("exception_message"), row.getString("revoke_reason"),
                row.getString("worker"), row.getInt("retries"), row.getInt("deliveries"),
                row.getInt("stale_reports"), row.getInt("progress"), row.getString("progress_step"),
                row.getObject("retried_from_id", UUID.class), instant(row, "queued_at"), instant(row, "eta"),
                instant(row, "expires_at"), instant(row, "started_at"), instant(row, "finished_at"),
                instant(row, "heartbeat_at"), row.getString("timeline"), instant(row, "updated_at"),
                row.getString("trace_id"), row.getObject("root_id", UUID.class));
    }

    /** The arguments' text as dispatched (V190), or the jsonb's for rows recorded before it (keys reordered). */
    private static String dispatched(ResultSet row, String column) throws SQLException {
        String text = row.getString(column + "_text");
        return text != null ? text : row.getString(column);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
