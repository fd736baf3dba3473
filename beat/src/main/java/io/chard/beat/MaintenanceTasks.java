package io.chard.beat;

import io.chard.broker.ExecutionStatus;
import io.chard.database.Jdbc;
import io.chard.settings.Settings;
import io.chard.task.Task;
import jakarta.inject.Singleton;

import java.util.stream.Stream;

/**
 * Chard's own periodic tasks, on the {@code background_tasks} queue: they need the history database, so only
 * a worker that has it (the beat process, or the all-in-one mode) consumes that queue.
 */
@Singleton
public class MaintenanceTasks {
    public static final String QUEUE = "background_tasks";
    /** Rows deleted per statement, so a large purge never holds long locks. */
    private static final int PURGE_BATCH = 10_000;
    /**
     * What the purge deletes once it is older than the retention: ended executions, and stuck ones. Stuck has not
     * ended, but a row that old whose worker went silent will most likely never hear from it again; kept, it would
     * stay forever. Should a late event still come, the recorder writes the row anew.
     */
    private static final String[] PURGED = Stream.concat(ExecutionStatus.endedValues().stream(),
            Stream.of(ExecutionStatus.STUCK.value())).toArray(String[]::new);

    private final Jdbc jdbc;
    private final Settings settings;

    public MaintenanceTasks(Jdbc jdbc, Settings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /** Running executions whose heartbeat is older than {@code stuck_after_seconds} become {@code stuck}. */
    @Task(value = "background_tasks.sweep_stuck_tasks", queue = QUEUE, maxRetries = 0)
    public int sweepStuckTasks() {
        return jdbc.update("UPDATE background_tasks_task_execution SET status = ?, updated_at = now() "
                        + "WHERE status = ? AND COALESCE(heartbeat_at, started_at) < now() - make_interval(secs => ?)",
                ExecutionStatus.STUCK.value(), ExecutionStatus.RUNNING.value(),
                settings.number(Settings.Key.STUCK_AFTER_SECONDS));
    }

    /** Deletes ended executions older than {@code retention_days}; answers how many. */
    @Task(value = "background_tasks.purge_old_executions", queue = QUEUE, maxRetries = 0)
    public long purgeOldExecutions() {
        long retentionDays = settings.number(Settings.Key.RETENTION_DAYS);
        long purged = 0;
        int deleted;
        do {
            deleted = jdbc.update("DELETE FROM background_tasks_task_execution WHERE id IN (SELECT id FROM "
                    + "background_tasks_task_execution WHERE status = ANY(?) "
                    + "AND COALESCE(finished_at, queued_at) < now() - make_interval(days => ?) LIMIT ?)",
                    PURGED, (int) retentionDays, PURGE_BATCH);
            purged += deleted;
        } while (deleted == PURGE_BATCH);
        return purged;
    }
}
