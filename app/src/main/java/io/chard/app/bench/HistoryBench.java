package io.chard.app.bench;

import io.chard.config.LaunchProperties;
import io.chard.database.DatabaseProperties;
import io.chard.database.Jdbc;
import io.chard.history.ExecutionFilter;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryPartitions;
import io.chard.history.HistoryStore;
import io.micronaut.context.ApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Measures the history's list page over a large table beside the old shape: fills the partitioned table with
 * {@code rows} executions spread over ten days (UUIDv7 ids, so one day per partition), copies them into an
 * unpartitioned table with V100's indexes, then times the same pages on both (p50/p95 over repeats, count
 * included, as admin-api answers them), and drops the oldest day as the purge does, beside a row delete of the
 * same day on the copy.
 *
 * <p>Usage: {@code HistoryBench [--rows N] [--repeats N] [--measure-only]} (defaults 10,000,000 and 30) with
 * CHARD_JDBC_URL naming an empty database that may be filled and dropped from (the bench refuses a history that
 * already has rows, unless {@code --measure-only} measures what an earlier run filled).
 */
public final class HistoryBench {
    static final String TABLE = "background_tasks_task_execution";
    static final String BASELINE = "history_bench_v100";
    private static final int DAYS = 10;
    private static final int PER_PAGE = 50;
    private static final ExecutionFilter ALL = new ExecutionFilter(null, null, null, null, null, null);
    private static final ExecutionFilter FAILED = ALL.withStatuses(List.of("failed"));
    /** The old list and count, as HistoryStore ran them before V150 (on the unpartitioned copy). */
    private static final String OLD_PAGE = "SELECT * FROM " + BASELINE + "%s ORDER BY queued_at DESC NULLS LAST, id "
            + "LIMIT 50 OFFSET %d";
    private static final String OLD_COUNT = "SELECT count(*) FROM " + BASELINE + "%s";

    private final long rows;
    private final int repeats;
    private final Jdbc jdbc;
    private final HistoryStore store;
    private final HistoryPartitions partitions;
    private final List<String[]> table = new ArrayList<>();

    private HistoryBench(long rows, int repeats, ApplicationContext context) {
        this.rows = rows;
        this.repeats = repeats;
        this.jdbc = context.getBean(Jdbc.class);
        this.store = context.getBean(HistoryStore.class);
        this.partitions = context.getBean(HistoryPartitions.class);
    }

    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        long rows = option(list, "--rows", 10_000_000);
        int repeats = (int) option(list, "--repeats", 30);
        boolean measureOnly = list.contains("--measure-only");
        try (io.chard.app.LocalServers servers = io.chard.app.LocalServers.start()) {
            for (String[] row : run(rows, repeats, measureOnly, servers.environment())) {
                System.out.printf("%-58s %-28s %s%n", row[0], row[1], row[2]);
            }
        }
        System.exit(0);
    }

    /** Runs the bench against the database {@code env} names; answers its table (measure, Chard, baseline). */
    public static List<String[]> run(long rows, int repeats, Map<String, String> env) {
        return run(rows, repeats, false, env);
    }

    /** As above; {@code measureOnly} measures (and purges) what an earlier run of the same size filled. */
    static List<String[]> run(long rows, int repeats, boolean measureOnly, Map<String, String> env) {
        Map<String, Object> properties = new HashMap<>(DatabaseProperties.defaults());
        properties.putAll(LaunchProperties.server(env));
        properties.remove("micronaut.server.port");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            HistoryBench bench = new HistoryBench(rows, repeats, context);
            if (!measureOnly) {
                bench.fill();
            }
            bench.measure();
            bench.purge();
            return bench.table;
        }
    }

    private void fill() {
        if (jdbc.count("SELECT count(*) FROM (SELECT 1 FROM " + TABLE + " LIMIT 1) s") > 0) {
            throw new IllegalStateException("the history in this database has rows: the bench needs an empty one");
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int back = DAYS; back > 0; back--) {
            partitions.create(today.minusDays(back));
        }
        long start = System.nanoTime();
        // A bulk load: drop the secondary indexes, insert, build them again (sorted builds beat row-by-row inserts).
        List<String> indexes = jdbc.list("SELECT indexdef FROM pg_indexes WHERE tablename = ? "
                + "AND indexname <> ?", row -> row.getString(1), TABLE, TABLE + "_pkey");
        List<String> names = jdbc.list("SELECT indexname FROM pg_indexes WHERE tablename = ? AND indexname <> ?",
                row -> row.getString(1), TABLE, TABLE + "_pkey");
        names.forEach(name -> jdbc.update("DROP INDEX " + name));
        long chunk = 1_000_000;
        for (long from = 1; from <= rows; from += chunk) {
            jdbc.update(FILL, rows, DAYS * 86_400_000L, from, Math.min(rows, from + chunk - 1));
        }
        // pg_indexes shows a partitioned index as "ON ONLY" the parent; built so, it would cover no partition.
        indexes.forEach(definition -> jdbc.update(definition.replace(" ON ONLY ", " ON ")));
        jdbc.update("ANALYZE " + TABLE);
        table.add(row("fill " + rows + " rows over " + DAYS + " days (incl. indexes)", seconds(start), ""));

        start = System.nanoTime();
        jdbc.update("CREATE TABLE " + BASELINE + " AS SELECT * FROM " + TABLE);
        jdbc.update("ALTER TABLE " + BASELINE + " ADD PRIMARY KEY (id)");
        jdbc.update("CREATE INDEX ON " + BASELINE + " (task_id)");
        jdbc.update("CREATE INDEX ON " + BASELINE + " (task_name)");
        jdbc.update("CREATE INDEX ON " + BASELINE + " (status, queued_at)");
        jdbc.update("CREATE INDEX ON " + BASELINE + " (queued_at DESC)");
        jdbc.update("ANALYZE " + BASELINE);
        table.add(row("copy into an unpartitioned table with V100's indexes", "", seconds(start)));
    }

    /**
     * Row i of n: queued (and its UUIDv7 minted) i/n of the span before now, newest first; 5% failed, 1% still
     * running, the rest succeeded; 50 task names over 6 queues.
     */
    private static final String FILL = "INSERT INTO " + TABLE + " (id, task_id, task_name, status, queue, args, worker, "
            + "retries, deliveries, queued_at, started_at, finished_at, last_event_seq, timeline) "
            + "SELECT id, id::text, 'examples.task_' || (i % 50), "
            + "CASE WHEN i % 20 = 0 THEN 'failed' WHEN i % 97 = 0 THEN 'running' ELSE 'success' END, "
            + "'q' || (i % 6), '[1, 2]', 'worker-' || (i % 8), 0, 1, at, at, at + interval '5 ms', i, '[]' FROM ("
            + "SELECT i, at, (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7' "
            + "|| substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid AS id FROM ("
            + "SELECT i, now() - make_interval(secs => (i::float8 / ?::bigint) * ?::bigint / 1000.0) AS at "
            + "FROM generate_series(?::bigint, ?::bigint) i) t) s";

    private void measure() {
        long depth = Math.min(1_000_000, rows / 2);
        ExecutionRecord deep = jdbc.one("SELECT id FROM " + TABLE
                + " ORDER BY queued_at DESC NULLS LAST, id DESC OFFSET ? LIMIT 1", r -> r.getObject(1, UUID.class),
                depth).flatMap(store::find).orElseThrow();
        String cursor = HistoryStore.cursorAfter(deep);
        int baselineRepeats = Math.max(3, repeats / 6);

        table.add(row("first page, 50 rows + count",
                latency(repeats, () -> store.search(ALL, 1, PER_PAGE)),
                baselineLatency(baselineRepeats, () -> old("", 0))));
        table.add(row("filtered page (status=failed) + count",
                latency(repeats, () -> store.search(FAILED, 1, PER_PAGE)),
                baselineLatency(baselineRepeats, () -> old(" WHERE status = ANY('{failed}')", 0))));
        table.add(row("page 1,000 by number (OFFSET 49,950) + count",
                latency(repeats, () -> store.search(ALL, 1_000, PER_PAGE)),
                baselineLatency(baselineRepeats, () -> old("", 49_950))));
        table.add(row("deep page at row " + depth + " (cursor; baseline OFFSET)",
                latency(repeats, () -> store.after(ALL, cursor, PER_PAGE)),
                baselineLatency(baselineRepeats, () -> old("", depth))));
        HistoryStore.Page first = store.search(ALL, 1, PER_PAGE);
        table.add(row("total answered", first.total() + (first.estimated() ? " (estimate)" : " (exact)"),
                jdbc.count("SELECT count(*) FROM " + BASELINE) + " (exact)"));
    }

    private void old(String where, long offset) {
        jdbc.list(String.format(OLD_PAGE, where, offset), r -> r.getObject(1));
        jdbc.count(String.format(OLD_COUNT, where));
    }

    /** Drops the oldest day as the purge does (retention reached), and deletes the same rows from the copy. */
    private void purge() {
        List<LocalDate> before = partitions.days();
        LocalDate oldest = before.getFirst();
        Instant cutoff = oldest.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long rowsBefore = jdbc.count("SELECT count(*) FROM " + TABLE);
        long start = System.nanoTime();
        partitions.dropBefore(cutoff, new String[]{"pending", "running", "retrying"});
        String dropped = seconds(start);
        long rowsAfter = jdbc.count("SELECT count(*) FROM " + TABLE);
        boolean gone = !partitions.days().contains(oldest);
        start = System.nanoTime();
        jdbc.update("DELETE FROM " + BASELINE + " WHERE id < ? AND status <> ALL('{pending,running,retrying}')",
                HistoryPartitions.firstIdOf(oldest.plusDays(1)));
        table.add(row("purge day " + oldest + ": " + (gone ? "partition dropped" : "NOT DROPPED") + ", "
                + (rowsBefore - rowsAfter) + " rows", dropped, seconds(start) + " (row delete)"));
    }

    /**
     * Runs of Chard's queries before timing: with one warm-up run, the first timed runs still paid for the JIT
     * compiling the row mapping and for pooled connections reading the partitions' catalog entries the first time
     * (about 45 ms of planning each), which a running admin-api has long done, and they made the p95 of 30 runs.
     * The baseline's runs take seconds each, dominated by sorting the whole table: one warm-up run does for them.
     */
    private static final int WARM_UP = 10;

    private static String latency(int repeats, Runnable query) {
        return latency(repeats, WARM_UP, query);
    }

    private static String baselineLatency(int repeats, Runnable query) {
        return latency(repeats, 1, query);
    }

    private static String latency(int repeats, int warmUps, Runnable query) {
        for (int i = 0; i < warmUps; i++) {
            query.run();
        }
        long[] millis = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            query.run();
            millis[i] = System.nanoTime() - start;
        }
        Arrays.sort(millis);
        return String.format("p50 %.1f ms, p95 %.1f ms", millis[repeats / 2] / 1e6,
                millis[Math.min(repeats - 1, (int) Math.ceil(repeats * 0.95) - 1)] / 1e6);
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f s", Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1000.0);
    }

    private static String[] row(String measure, String chard, String baseline) {
        return new String[]{measure, chard, baseline};
    }

    private static long option(List<String> args, String name, long fallback) {
        int at = args.indexOf(name);
        return at < 0 ? fallback : Long.parseLong(args.get(at + 1).replace("_", ""));
    }
}
