package io.chard.history;

import io.chard.broker.ExecutionStatus;
import io.chard.database.Jdbc;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The per-minute, per-task and per-queue aggregate of ended executions ({@code background_tasks_task_minute},
 * V192) that the overview reads: the recorder adds to it in its batch's statement ({@link #addSql}), the
 * overview sums its minutes, and the daily maintenance deletes the minutes past the retention.
 */
@Singleton
public final class TaskMinutes {
    static final String TABLE = "background_tasks_task_minute";
    /** The outcome columns, one per ended status and named by it. */
    private static final List<String> OUTCOMES = ExecutionStatus.endedValues();
    private static final String SUMS = OUTCOMES.stream().map(status -> "sum(" + status + ")")
            .collect(Collectors.joining(", "));

    private final Jdbc jdbc;

    public TaskMinutes(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The ended executions in one bucket of the overview's time axis, by outcome (status value -> count). */
    public record OutcomeBucket(Instant start, Map<String, Long> outcomes) {
    }

    /**
     * One task's executions that ended in a window: by outcome, the run and wait times' sums and how many had one,
     * and their histograms ({@link RuntimeHistogram}).
     */
    public record TaskTotals(String taskName, Map<String, Long> outcomes, long runMillisSum, long runCount,
                             long waitMillisSum, long waitCount, long[] runHistogram, long[] waitHistogram) {
    }

    /**
     * The INSERT that adds the rows of {@code ended} (the CTE of the executions a statement moved into an ended
     * status: status, task_name, queue, queued_at, eta, started_at, finished_at) to their minutes. Both times are the
     * last attempt's (a retried execution's started_at is its last start, its eta the retry's due time): run time
     * is finished - started, wait time is started - when it came due (queued, or its eta: a countdown's or the
     * retry backoff's), so earlier attempts and backoffs count in neither. An execution that ended while it waited
     * for a retry (revoked, expired, purged) has neither: its start is an earlier attempt's, before the retry's eta,
     * and finished - started counted the whole backoff as running (half an hour of it in a task's p95).
     */
    static String addSql(String ended) {
        // EXTRACT answers numeric, whose arithmetic and ln() (the histogram's bucket) are arbitrary-precision: as
        // double precision the aggregate of a 1,279-row batch took 8 ms instead of 15 (EXPLAIN ANALYZE).
        String lastAttempt = "(eta IS NULL OR started_at >= eta)";
        String runMillis = "CASE WHEN " + lastAttempt + " THEN GREATEST(0, EXTRACT(EPOCH FROM finished_at - started_at)"
                + "::float8 * 1000) END";
        String waitMillis = "CASE WHEN " + lastAttempt + " THEN GREATEST(0, EXTRACT(EPOCH FROM started_at - "
                + "GREATEST(queued_at, eta))::float8 * 1000) END";
        String outcomes = String.join(", ", OUTCOMES);
        String counts = OUTCOMES.stream().map(status -> "count(*) FILTER (WHERE status = '" + status + "') AS " + status)
                .collect(Collectors.joining(", "));
        String added = OUTCOMES.stream().map(status -> status + " = m." + status + " + EXCLUDED." + status)
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + TABLE + " AS m (minute, task_name, queue, " + outcomes + ", run_ms_sum, run_count, "
                + "wait_ms_sum, wait_count, run_histogram, wait_histogram) SELECT minute, task_name, queue, " + outcomes
                + ", run_ms_sum, run_count, wait_ms_sum, wait_count, " + RuntimeHistogram.denseSql("run_buckets") + ", "
                + RuntimeHistogram.denseSql("wait_buckets") + " FROM (SELECT minute, task_name, queue, " + counts
                + ", COALESCE(round(sum(run_ms)), 0)::bigint AS run_ms_sum, count(run_ms) AS run_count, "
                + "COALESCE(round(sum(wait_ms)), 0)::bigint AS wait_ms_sum, count(wait_ms) AS wait_count, "
                + "array_agg(" + RuntimeHistogram.bucketSql("run_ms") + ") FILTER (WHERE run_ms IS NOT NULL) AS run_buckets, "
                + "array_agg(" + RuntimeHistogram.bucketSql("wait_ms") + ") FILTER (WHERE wait_ms IS NOT NULL) AS wait_buckets "
                // An ended change that reached the table before its execution's enqueued event (a second recorder)
                // has no task name yet; it is counted under '' rather than lost.
                + "FROM (SELECT date_trunc('minute', COALESCE(finished_at, now())) AS minute, COALESCE(task_name, '') "
                + "AS task_name, queue, status, " + runMillis + " AS run_ms, " + waitMillis + " AS wait_ms FROM " + ended
                + ") e GROUP BY minute, task_name, queue) g "
                // In key order, so that two writers adding to the same minutes lock them in the same order (one
                // waits for the other's commit instead of both waiting for each other).
                + "ORDER BY minute, task_name, queue ON CONFLICT (minute, task_name, queue) DO UPDATE SET " + added
                + ", run_ms_sum = m.run_ms_sum + EXCLUDED.run_ms_sum, run_count = m.run_count + EXCLUDED.run_count, "
                + "wait_ms_sum = m.wait_ms_sum + EXCLUDED.wait_ms_sum, wait_count = m.wait_count + EXCLUDED.wait_count, "
                + "run_histogram = " + RuntimeHistogram.sumSql("m.run_histogram", "EXCLUDED.run_histogram") + ", "
                + "wait_histogram = " + RuntimeHistogram.sumSql("m.wait_histogram", "EXCLUDED.wait_histogram");
    }

    /** The outcomes from {@code from} on, in buckets of {@code step} (aligned to the epoch); empty buckets left out. */
    public List<OutcomeBucket> outcomes(Instant from, Duration step) {
        return jdbc.list("SELECT date_bin(make_interval(secs => ?), minute, TIMESTAMPTZ 'epoch'), " + SUMS + " FROM "
                        + TABLE + " WHERE minute >= ? GROUP BY 1 ORDER BY 1",
                row -> new OutcomeBucket(row.getTimestamp(1).toInstant(), outcomes(row, 2)),
                step.toSeconds(), Timestamp.from(from));
    }

    /** Successes per queue and minute from {@code from} on (the queues page's throughput), oldest minute first. */
    public List<MinuteCount> successesPerQueue(Instant from) {
        return jdbc.list("SELECT minute, queue, sum(success) FROM " + TABLE + " WHERE minute >= ? GROUP BY 1, 2 "
                        + "HAVING sum(success) > 0 ORDER BY 1",
                row -> new MinuteCount(row.getTimestamp(1).toInstant(), row.getString(2), row.getLong(3)),
                Timestamp.from(from));
    }

    /** Each task's totals from {@code from} on, by task name. */
    public List<TaskTotals> tasks(Instant from) {
        // The histograms are summed element by element in PostgreSQL: a week holds 10,080 minutes per task.
        return jdbc.list("WITH w AS (SELECT * FROM " + TABLE + " WHERE minute >= ?), histograms AS (SELECT task_name, "
                        + "array_agg(r ORDER BY i) AS run, array_agg(wt ORDER BY i) AS wait FROM (SELECT task_name, i, "
                        + "sum(r) AS r, sum(wt) AS wt FROM w, unnest(w.run_histogram, w.wait_histogram) WITH ORDINALITY "
                        + "AS h(r, wt, i) GROUP BY task_name, i) per_bucket GROUP BY task_name) SELECT w.task_name, " + SUMS
                        + ", sum(run_ms_sum), sum(run_count), sum(wait_ms_sum), sum(wait_count), h.run, h.wait FROM w "
                        + "JOIN histograms h ON h.task_name = w.task_name GROUP BY w.task_name, h.run, h.wait "
                        + "ORDER BY w.task_name",
                row -> {
                    int sumsFrom = 2 + OUTCOMES.size();
                    return new TaskTotals(row.getString(1), outcomes(row, 2), row.getLong(sumsFrom),
                            row.getLong(sumsFrom + 1), row.getLong(sumsFrom + 2), row.getLong(sumsFrom + 3),
                            longs(row.getArray(sumsFrom + 4)), longs(row.getArray(sumsFrom + 5)));
                },
                Timestamp.from(from));
    }

    /** Deletes the minutes before {@code cutoff} (the history's retention); answers how many went. */
    public long purgeBefore(Instant cutoff) {
        return jdbc.update("DELETE FROM " + TABLE + " WHERE minute < ?", Timestamp.from(cutoff));
    }

    private static Map<String, Long> outcomes(ResultSet row, int first) throws SQLException {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < OUTCOMES.size(); i++) {
            outcomes.put(OUTCOMES.get(i), row.getLong(first + i));
        }
        return outcomes;
    }

    private static long[] longs(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = ((Number) values[i]).longValue();
        }
        return longs;
    }
}
