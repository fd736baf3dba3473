package io.chard.history;

import io.chard.broker.ExecutionStatus;
import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The recorder's write path into the history. A batch of changes is written by statements over arrays (a round
 * trip each however many rows): the executions new to the table are inserted, and the others updated column by
 * column, where a newer change (higher event seq) overrides and an older one only fills what is still empty. A
 * large batch is split by execution id over several connections written at once ({@link #writers}): each row
 * version costs PostgreSQL an entry in every index of its partition, one backend's work, so one connection keeps
 * one core busy while the other idles.
 */
@Singleton
public final class HistoryWriter {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);
    /** Below this many new executions beside other changes, a batch is one merge (see {@link #write}). */
    static final int INSERTED_APART_FROM = 100;
    private static final Comparator<ExecutionChange> BY_ID = (a, b) -> compareIds(a.id, b.id);
    /**
     * The planner settings of the writer's transaction. No JIT: the statement's plan costs millions (a merge per
     * column over 22 partitions), far past jit_above_cost, and PostgreSQL then spent about 12 s compiling 319
     * functions for a batch that runs in 0.5 s (EXPLAIN ANALYZE in docs/architecture.md, "Measured"). A custom plan
     * every time: after five executions PostgreSQL may switch a prepared statement to a generic plan, which cannot
     * see the arrays' lengths (it takes the batch for 10 rows) and, on a partition not analyzed yet (a new day's, or
     * any while autovacuum is off), joined a 2,759-row batch to itself in a nested loop: 4-7 s per batch instead of
     * tens of milliseconds, the history 8x behind the worker until the connection closed ("The history keeping up
     * with the worker" in docs/architecture.md). Planning the statement each time costs a few milliseconds.
     */
    private static final String PLANNER_SETTINGS =
            "SELECT set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)";

    /**
     * Below this many changes a batch goes on one connection: a recorder that keeps up reads short batches, and
     * splitting them would spend a round trip and a plan per shard on a few rows.
     */
    static final int SHARDED_FROM = 500;
    private static final ThreadFactory SHARD_THREADS = Thread.ofVirtual().name("chard-history-shard-", 0).factory();

    private final DataSource dataSource;
    private final int writers;

    /** PostgreSQL's order of uuids (unsigned bytes), which UUID.compareTo (signed halves) is not for every id. */
    static int compareIds(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    /**
     * @param writers  the connections a large batch is split over; 0 for the default, 2 (1 on a pool smaller than 4).
     *                 The work is PostgreSQL's (each shard is one backend on one core), so the default suits a
     *                 database with two cores or more; the recorder's own processors do not count.
     * @param poolSize the connection pool's size: each shard holds a connection while it writes, and admin-api's
     *                 requests share the pool with its recorder, so the shards may take at most half of it
     */
    @Inject
    public HistoryWriter(DataSource dataSource, @Value("${" + ChardSettings.HISTORY_WRITERS + ":0}") int writers,
                         @Value("${datasources.default.maximum-pool-size:10}") int poolSize) {
        int most = Math.max(1, poolSize / 2);
        if (writers < 0 || writers > most) {
            throw new IllegalArgumentException(ChardSettings.HISTORY_WRITERS + " must be from 1 to half the "
                    + "connection pool (datasources.default.maximum-pool-size = " + poolSize + "), or 0 for the "
                    + "default; was " + writers);
        }
        this.dataSource = dataSource;
        this.writers = writers == 0 ? Math.min(2, most) : writers;
    }

    /**
     * Applies folded changes idempotently: replaying them, or applying an older one late, changes nothing. The
     * new executions of a batch (each change holds its execution's {@code enqueued} event) are a plain insert, the
     * other changes are merged into the rows that exist (see {@link #write}). A change the first statements leave
     * unanswered gets a second statement, a merge: a "new" execution whose row exists after all (a replay, a second
     * recorder), or a row another recorder inserted concurrently (invisible to the merge's snapshot, so neither
     * inserted nor updated there). When PostgreSQL refuses a value (class 22/23: a NUL character, an over-long
     * text), the changes are written one by one so that one bad execution cannot hold up the whole history.
     */
    public void apply(Collection<ExecutionChange> changes) throws HistoryUnavailableException {
        if (changes.isEmpty()) {
            return;
        }
        if (writers == 1 || changes.size() < SHARDED_FROM) {
            applyShard(changes);
            return;
        }
        applySharded(changes);
    }

    /**
     * Writes each shard in a transaction of its own, at once, and returns when all have ended. The shards hold
     * different executions, so they never wait on each other's rows; they do meet on the minute aggregate's rows,
     * which {@link TaskMinutes#addSql} locks in one order so that they wait instead of deadlocking. A shard that
     * fails fails the batch, which the recorder then reads and writes again: the shards that committed take the
     * replay as a replay (nothing changes, nothing is counted twice).
     */
    private void applySharded(Collection<ExecutionChange> changes) throws HistoryUnavailableException {
        List<List<ExecutionChange>> shards = new ArrayList<>(writers);
        for (int i = 0; i < writers; i++) {
            shards.add(new ArrayList<>(changes.size() / writers + 1));
        }
        for (ExecutionChange change : changes) {
            shards.get(Math.floorMod(change.id.hashCode(), writers)).add(change);
        }
        List<Future<Void>> written = new ArrayList<>(writers);
        // Closing the executor waits for every shard, even when interrupted: a batch read again while a shard of
        // its first attempt still wrote would race it on the same rows.
        try (ExecutorService shardWriters = Executors.newThreadPerTaskExecutor(SHARD_THREADS)) {
            for (List<ExecutionChange> shard : shards) {
                written.add(shardWriters.submit(() -> {
                    applyShard(shard);
                    return null;
                }));
            }
        }
        Throwable failure = null;
        for (Future<Void> shard : written) {
            if (shard.state() != Future.State.FAILED) {
                continue;
            }
            if (failure == null) {
                failure = shard.exceptionNow();
            } else {
                failure.addSuppressed(shard.exceptionNow());
            }
        }
        switch (failure) {
            case null -> { }
            case HistoryUnavailableException unavailable -> throw unavailable;
            case RuntimeException unexpected -> throw unexpected;
            case Error error -> throw error;
            default -> throw new IllegalStateException("a history shard failed", failure);
        }
    }

    private void applyShard(Collection<ExecutionChange> changes) throws HistoryUnavailableException {
        try (Connection connection = dataSource.getConnection()) {
            try {
                List<ExecutionChange> unseen = unanswered(changes, write(connection, changes));
                if (!unseen.isEmpty()) {
                    warnUnwritten(unanswered(unseen, merge(connection, unseen)));
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

    /** The changes a statement did not answer (see {@link #mergeSql}), in id order for the next statement. */
    private static List<ExecutionChange> unanswered(Collection<ExecutionChange> changes, Set<UUID> answered) {
        return changes.stream().filter(c -> !answered.contains(c.id)).sorted(BY_ID).toList();
    }

    /**
     * The second statement answers every row it wrote; one it leaves out was deleted and inserted again between the
     * two statements (a retention purge racing a replay, found by a review), and this batch does not write its
     * change. Rare enough to be told rather than retried.
     */
    private static void warnUnwritten(List<ExecutionChange> lost) {
        if (!lost.isEmpty()) {
            LOG.warn("history changes of {} not written: their rows changed under both statements",
                    lost.stream().map(c -> c.id).toList());
        }
    }

    private void applyAlone(Connection connection, ExecutionChange change) throws SQLException {
        try {
            merge(connection, List.of(change));
        } catch (SQLException e) {
            if (!refusedValue(e)) {
                throw e;
            }
            LOG.error("history change of {} refused by PostgreSQL and left out: {}", change.id, e.getMessage());
        }
    }

    private static boolean refusedValue(SQLException e) {
        String state = e.getSQLState();
        // 54000: a value past a limit of PostgreSQL's own (a tsvector over 1 MB, an index entry over its page's
        // share), refused as a value is: the changes are written one by one, so one row cannot stop the history.
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.equals("54000"));
    }

    /**
     * Merges the changes ({@link #mergeSql}); a change whose row's last event lies among its own events (see
     * {@link #STRADDLES}) is merged again one event at a time, in event order, each then newer or older than the row
     * as a whole. Answers the ids written.
     */
    private static Set<UUID> merge(Connection connection, Collection<ExecutionChange> changes) throws SQLException {
        Set<UUID> straddling = new HashSet<>();
        Set<UUID> written = execute(connection, changes, Write.MERGE, straddling);
        for (ExecutionChange change : changes) {
            if (straddling.contains(change.id)) {
                for (ExecutionChange single : change.eventByEvent()) {
                    execute(connection, List.of(single), Write.MERGE, new HashSet<>());
                }
                written.add(change.id);
            }
        }
        return written;
    }

    /** How a batch is written: its statement, and how many times it takes the ids again after the columns. */
    private enum Write {
        INSERT(insertSql(), 0),
        MERGE(mergeSql(), 2);

        private final String sql;
        private final int idsAgain;

        Write(String sql, int idsAgain) {
            this.sql = sql;
            this.idsAgain = idsAgain;
        }
    }

    /**
     * Writes the batch's new executions (each change holds its execution's {@code enqueued} event) with the plain
     * insert ({@link #insertSql}) and the other changes with the merge ({@link #mergeSql}), each part in a
     * transaction of its own; answers the ids written. The parts hold different executions, so they need no order.
     * A new execution's row can exist after all: the batch is a replay, or another recorder wrote a later event of
     * it first. The insert skips that row and leaves it unanswered, and the caller merges it as it merges any change
     * a statement left unanswered. A part of fewer than {@link #INSERTED_APART_FROM} new executions beside other
     * changes goes with them into the merge: a second statement costs its own plan and commit, more than the insert
     * saves on a few rows.
     * <p>
     * Each part is written in id order, as any recorder writes it: two recorders writing the same executions (one
     * their enqueued events, the other their ends) then lock the rows in the same order, and one waits for the
     * other instead of both failing as a deadlock. The insert takes its rows in the order of the arrays; the merge's
     * {@code before} locks them in the order of its own {@code ORDER BY}, as a scan of the table returns rows in the
     * order they lie on disk whatever the arrays' order (a review deadlocked two merges that way).
     */
    private static Set<UUID> write(Connection connection, Collection<ExecutionChange> changes) throws SQLException {
        List<ExecutionChange> created = new ArrayList<>(changes.size());
        List<ExecutionChange> existing = new ArrayList<>();
        for (ExecutionChange change : changes) {
            (change.created ? created : existing).add(change);
        }
        if (created.size() < INSERTED_APART_FROM && !existing.isEmpty()) {
            existing.addAll(created);
            created.clear();
        }
        Set<UUID> written = new HashSet<>();
        if (!created.isEmpty()) {
            created.sort(BY_ID);
            written.addAll(execute(connection, created, Write.INSERT, null));
        }
        if (!existing.isEmpty()) {
            existing.sort(BY_ID);
            written.addAll(merge(connection, existing));
        }
        return written;
    }

    /**
     * One statement over the batch, in a transaction of its own; answers the ids it inserted or updated. The
     * parameters are one array literal per column ({@link #arrayLiteral}), in the order of the statement: id, seq,
     * then {@link HistoryColumn}; then, for the merge, the ids twice more, for {@code before} and the update (see
     * {@link #mergeSql}). The pool puts auto-commit back when the connection returns.
     */
    private static Set<UUID> execute(Connection connection, Collection<ExecutionChange> changes, Write write,
                                     Set<UUID> straddling) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement settings = connection.createStatement();
             PreparedStatement statement = connection.prepareStatement(write.sql)) {
            settings.execute(PLANNER_SETTINGS);
            int parameter = 1;
            // Untyped (OTHER), so that PostgreSQL parses each literal as the array type its placeholder is cast to
            // and plans with the values. Bound as varchar, the casts stayed in the plan: PostgreSQL spent 77-81 µs
            // per task instead of 57-65 in the processing benchmark.
            String ids = arrayLiteral(changes, c -> c.id.toString());
            statement.setObject(parameter++, ids, Types.OTHER);
            statement.setObject(parameter++, arrayLiteral(changes, c -> Long.toString(c.seq)), Types.OTHER);
            statement.setObject(parameter++, arrayLiteral(changes, c -> Long.toString(c.firstSeq)), Types.OTHER);
            for (HistoryColumn column : HistoryColumn.values()) {
                statement.setObject(parameter++, arrayLiteral(changes, column::valueOf), Types.OTHER);
            }
            for (int again = 0; again < write.idsAgain; again++) {
                statement.setObject(parameter++, ids, Types.OTHER);
            }
            Set<UUID> written = new HashSet<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    (write == Write.MERGE && rows.getBoolean(2) ? straddling : written)
                            .add(rows.getObject(1, UUID.class));
                }
            }
            connection.commit();
            return written;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /**
     * The values as an array literal ({@code {"a","b\"c",NULL}}), which the statement casts to the column's array
     * type. Written here rather than by the driver's {@code createArrayOf}, which escaped a character at a time: half
     * of the writer threads' CPU, most of it on the timeline's and the arguments' JSON. Here the characters an
     * element must escape ({@code "} and {@code \}) are found with {@code indexOf} and the runs between them copied
     * whole: the writer threads' time per batch fell by about a quarter in a CPU profile.
     */
    private static String arrayLiteral(Collection<ExecutionChange> changes, Function<ExecutionChange, String> value) {
        StringBuilder literal = new StringBuilder(changes.size() * 16).append('{');
        for (ExecutionChange change : changes) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            appendElement(literal, value.apply(change));
        }
        return literal.append('}').toString();
    }

    /** NULL, or the element quoted with a backslash before each {@code "} and {@code \}. */
    private static void appendElement(StringBuilder literal, String element) {
        if (element == null) {
            literal.append("NULL");
            return;
        }
        literal.append('"');
        int copied = 0;
        int quote = element.indexOf('"');
        int backslash = element.indexOf('\\');
        while (quote >= 0 || backslash >= 0) {
            int at = quote < 0 || (backslash >= 0 && backslash < quote) ? backslash : quote;
            literal.append(element, copied, at).append('\\');
            copied = at;
            if (at == quote) {
                quote = element.indexOf('"', at + 1);
            } else {
                backslash = element.indexOf('\\', at + 1);
            }
        }
        literal.append(element, copied, element.length()).append('"');
    }

    /**
     * {@code WITH c AS (SELECT * FROM unnest(?::uuid[], ?::bigint[], ...) AS c(id, seq, ...)), before AS (the
     * existing rows' status and seq, locked), inserted AS (INSERT the rows before did not find ... RETURNING), updated
     * AS (UPDATE the rows before found ... RETURNING), counted AS (add the executions this statement ended to the
     * minute aggregate)}, answering every id it wrote or that already held the change (a replay). {@code before}
     * locks the rows it reads, so a concurrent recorder's commit is waited for and its status is the one this
     * statement merges over: a status that was already ended is never counted again, whether the change is a
     * replay, a late event or a second recorder's. Only the changes {@code before} did not find try an insert: most
     * of a batch updates rows its executions' enqueued events made earlier, and a speculative insert that ends in a
     * conflict cost a tenth of the statement (its values built, the key probed) for each of them. A row another
     * recorder inserts meanwhile is neither found nor inserted (the conflict), so the caller updates it again.
     * <p>
     * {@code before} and the update find their rows by the ids as a constant ({@code id = ANY(ids)}, the ids bound
     * again), not by a join with {@code c}. The planner knows nothing of an unnested array (it takes 200 distinct
     * values), so it estimated the join at the batch's rows times a two-hundredth of the whole table: millions for a
     * batch of thousands. It then planned the joins on {@code before} as hashes split into up to 512 batch files,
     * which PostgreSQL created and deleted in every statement: 3,800 temporary files per 50,000 executions, and a
     * third of the writing backends' CPU in creating them. With the constant the estimate is the batch, the hashes
     * stay in memory, and both read only the partitions the ids fall in.
     */
    private static String mergeSql() {
        String table = HistoryStore.TABLE;
        String sets = "last_event_seq = GREATEST(t.last_event_seq, c.seq), updated_at = now(), "
                + HistoryColumn.DEFAULTED + " = " + HistoryColumn.defaultedAfterUpdate() + ", "
                + each(column -> column.column + " = " + column.merged());
        return changes() + ", before AS (SELECT t.id, t.status, t.last_event_seq FROM " + table + " t "
                + "WHERE t.id = ANY(?::uuid[]) ORDER BY t.id FOR UPDATE OF t), "
                + "inserted AS (" + insertion(" WHERE NOT EXISTS (SELECT 1 FROM before b WHERE b.id = c.id)") + "), "
                + "updated AS (UPDATE " + table + " t SET " + sets + " FROM c JOIN before b ON b.id = c.id "
                + "WHERE t.id = c.id AND t.id = ANY(?::uuid[]) AND b.last_event_seq <> c.seq AND NOT " + STRADDLES
                + " RETURNING "
                + prefixed("t.") + ", b.status AS before_status), "
                + "ended AS (SELECT " + ENDING + " FROM inserted WHERE " + ended("status") + " UNION ALL SELECT "
                + ENDING + " FROM updated WHERE " + ended("status") + " AND NOT " + ended("before_status") + "), "
                + "counted AS (" + TaskMinutes.addSql("ended") + ") "
                + "SELECT id, false FROM inserted UNION ALL SELECT id, false FROM updated UNION ALL "
                + "SELECT b.id, false FROM before b JOIN c ON b.id = c.id AND b.last_event_seq = c.seq "
                + "AND c.first_seq = c.seq UNION ALL "
                + "SELECT b.id, true FROM before b JOIN c ON b.id = c.id AND " + STRADDLES;
    }

    /**
     * {@code WITH c AS (the changes), inserted AS (INSERT them all ... RETURNING), ended AS (...), counted AS (...)}:
     * the statement for a batch of new executions (every change holds its execution's first event, see
     * {@link #write}), answering every id it inserted. It leaves out what only rows that exist need: {@code before}'s
     * lookup and row locks, the anti join and the update. Replayed, on a 2,500-change batch of pending rows, against
     * a day's partition of 150,000 rows: 26 µs per row against 43 for {@link #mergeSql}. A row that exists after all
     * (a replay, or a later event another recorder wrote first) is skipped by {@code ON CONFLICT DO NOTHING} and left
     * unanswered, and the caller merges it. The skip costs about 2 µs per row (65-72 ms against 71-75 ms per 2,500
     * rows, replayed): the price of not losing a whole insert to one row that exists, and of one path for such rows.
     */
    private static String insertSql() {
        return changes() + ", inserted AS (" + insertion("") + "), ended AS (SELECT " + ENDING + " FROM inserted WHERE "
                + ended("status") + "), counted AS (" + TaskMinutes.addSql("ended") + ") "
                + "SELECT id FROM inserted";
    }

    /** {@code WITH c AS (SELECT * FROM unnest(?::uuid[], ?::bigint[], ...) AS c(id, seq, ...))}: the batch. */
    private static String changes() {
        return "WITH c AS (SELECT * FROM unnest(?::uuid[], ?::bigint[], ?::bigint[], "
                + each(HistoryColumn::placeholder) + ") AS c(id, seq, first_seq, " + each(column -> column.column)
                + "))";
    }

    /**
     * The insert of the changes in {@code c} that {@code filter} keeps as new rows, each column its change's value or
     * its default, skipping a row that exists and answering what the minute aggregate needs of each it inserted.
     */
    private static String insertion(String filter) {
        return "INSERT INTO " + HistoryStore.TABLE + " (id, task_id, last_event_seq, " + HistoryColumn.DEFAULTED
                + ", " + each(column -> column.column) + ") SELECT c.id, c.id::text, c.seq, "
                + HistoryColumn.defaultedOnInsert() + ", " + each(HistoryColumn::inserted) + " FROM c" + filter
                + " ON CONFLICT (id) DO NOTHING RETURNING " + ENDING;
    }

    /**
     * Whether the row's last event lies among the change's several (from its first to its last): the change is then
     * neither newer nor older than the row as a whole, and its columns cannot be merged by its latest seq (an older
     * start beside a newer stale report took a success back to running). The merge leaves such a row alone and
     * answers it apart, and the caller merges that change again event by event. That includes a change whose last
     * event is the row's last: only a change of one event is a plain replay. Taken for one, the older events it also
     * held were dropped: an `enqueued` claimed from a dead recorder together with the `started` and `succeeded`
     * another had written never reached the row (its task name, arguments and queue time stayed empty).
     */
    private static final String STRADDLES = "(c.first_seq <= b.last_event_seq AND b.last_event_seq <= c.seq "
            + "AND c.first_seq < c.seq)";

    /** Whether the status in {@code column} is one an execution ends with. */
    private static String ended(String column) {
        return column + " = ANY(ARRAY['" + String.join("', '", ExecutionStatus.endedValues()) + "'])";
    }

    /** What the minute aggregate needs of a row the statement ended. */
    private static final String ENDING = "id, status, task_name, queue, queued_at, eta, started_at, finished_at";

    private static String prefixed(String alias) {
        return Arrays.stream(ENDING.split(", ")).map(column -> alias + column).collect(Collectors.joining(", "));
    }

    private static String each(Function<HistoryColumn, String> part) {
        return Arrays.stream(HistoryColumn.values()).map(part).collect(Collectors.joining(", "));
    }
}
