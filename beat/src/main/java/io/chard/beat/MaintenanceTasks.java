package io.chard.beat;

import io.chard.broker.ExecutionStatus;
import io.chard.broker.UnusedQueues;
import io.chard.database.Jdbc;
import io.chard.history.HistoryPartitions;
import io.chard.history.TaskMinutes;
import io.chard.settings.Settings;
import io.chard.task.Task;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Chard's own periodic tasks, on the {@code background_tasks} queue: they need the history database, so only
 * a worker that has it (the beat process, or the all-in-one mode) consumes that queue.
 */
@Singleton
public class MaintenanceTasks {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceTasks.class);
    public static final String QUEUE = "background_tasks";
    /** Rows deleted per statement (history's default partition, beat's claims): a large purge holds no long locks. */
    private static final int PURGE_BATCH = 10_000;
    /**
     * What the purge deletes once it is older than the retention: ended executions, and stuck ones. Stuck has not
     * ended, but a row that old whose worker went silent will most likely never hear from it again; kept, it would
     * stay forever. Should a late event still come, the recorder writes the row anew.
     */
    private static final String[] PURGED = Stream.concat(ExecutionStatus.endedValues().stream(),
            Stream.of(ExecutionStatus.STUCK.value())).toArray(String[]::new);
    /** What a dropped partition keeps (in the default partition): every status the purge does not delete. */
    private static final String[] KEPT = Arrays.stream(ExecutionStatus.values()).map(ExecutionStatus::value)
            .filter(status -> !Arrays.asList(PURGED).contains(status)).toArray(String[]::new);

    private final Jdbc jdbc;
    private final Settings settings;
    private final HistoryPartitions partitions;
    private final TaskMinutes minutes;
    private final ScheduleStore schedules;
    private final UnusedQueues queues;

    public MaintenanceTasks(Jdbc jdbc, Settings settings, HistoryPartitions partitions, TaskMinutes minutes,
                            ScheduleStore schedules, UnusedQueues queues) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.partitions = partitions;
        this.minutes = minutes;
        this.schedules = schedules;
        this.queues = queues;
    }

    /** Running executions whose heartbeat is older than {@code stuck_after_seconds} become {@code stuck}. */
    @Task(value = "background_tasks.sweep_stuck_tasks", queue = QUEUE, maxRetries = 0)
    public int sweepStuckTasks() {
        return jdbc.update("UPDATE background_tasks_task_execution SET status = ?, updated_at = now() "
                        + "WHERE status = ? AND COALESCE(heartbeat_at, started_at) < now() - make_interval(secs => ?)",
                ExecutionStatus.STUCK.value(), ExecutionStatus.RUNNING.value(),
                settings.number(Settings.Key.STUCK_AFTER_SECONDS));
    }

    /**
     * Keeps the history's daily partitions: creates today's and the next {@link HistoryPartitions#DAYS_AHEAD} days'
     * that are missing, drops the days older than {@code retention_days} whole (their unfinished rows move to the
     * default partition), deletes the default partition's old ended rows (ids that are not UUIDv7), the overview's
     * minutes ({@link TaskMinutes}) before the retention, and deletes beat's settled claims due before the retention (their executions' rows go with their days). Also forgets the
     * Redis queues unused for {@code chard.queue-retention} (logged). Answers how many rows went: those deleted,
     * plus PostgreSQL's estimate of the dropped partitions' rows.
     */
    @Task(value = "background_tasks.purge_old_executions", queue = QUEUE, maxRetries = 0)
    public long purgeOldExecutions() {
        Instant now = Instant.now();
        partitions.createAhead(LocalDate.ofInstant(now, ZoneOffset.UTC));
        Instant cutoff = now.minus(Duration.ofDays(settings.number(Settings.Key.RETENTION_DAYS)));
        List<String> forgotten = queues.forget();
        if (!forgotten.isEmpty()) {
            LOG.info("Forgot {} unused queue entries (one per partition): {}", forgotten.size(), forgotten);
        }
        return partitions.dropBefore(cutoff, KEPT) + partitions.purgeDefault(cutoff, PURGED, PURGE_BATCH)
                + minutes.purgeBefore(cutoff) + schedules.purgeFires(cutoff, PURGE_BATCH);
    }
}
