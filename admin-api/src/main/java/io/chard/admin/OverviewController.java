package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.auth.Permissions;
import io.chard.broker.BrokerMonitor;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.ExecutionStatus;
import io.chard.history.HistoryStore;
import io.chard.history.RuntimeHistogram;
import io.chard.history.TaskMinutes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overview dashboard: the executions that have not ended, counted in the history by status; what ended in a
 * window, per bucket of one time axis and per task, from the recorder's minute aggregate ({@link TaskMinutes}, no
 * scan of the history); and each queue's depth and oldest waiting age from the broker.
 */
@Controller("/api/background_tasks/admin/overview")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Permissions.VIEW)
class OverviewController {
    private final HistoryStore history;
    private final TaskMinutes minutes;
    private final QueueDepths queueDepths;
    private final Clock clock;

    OverviewController(HistoryStore history, TaskMinutes minutes, QueueDepths queueDepths, Clock clock) {
        this.history = history;
        this.minutes = minutes;
        this.queueDepths = queueDepths;
        this.clock = clock;
    }

    /** The windows the overview offers, each with the bucket width that gives it 60 to 168 points. */
    enum Window {
        HOUR("1h", Duration.ofHours(1), Duration.ofMinutes(1)),
        DAY("24h", Duration.ofDays(1), Duration.ofMinutes(15)),
        WEEK("7d", Duration.ofDays(7), Duration.ofHours(1));

        final String label;
        final Duration length;
        final Duration step;

        Window(String label, Duration length, Duration step) {
            this.label = label;
            this.length = length;
            this.step = step;
        }

        static Window of(@Nullable String label) {
            return Arrays.stream(values()).filter(w -> w.label.equals(label == null ? "1h" : label)).findFirst()
                    .orElseThrow(() -> new InvalidParameterException("window", "'window' must be 1h, 24h or 7d"));
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Overview(String window, Instant from, Instant to, long stepSeconds, List<StatusRow> unfinished,
                    Map<String, Long> ended, List<Bucket> buckets, List<TaskRow> tasks, boolean brokerReachable,
                    List<QueueRow> queues) {
    }

    /** Executions with a status that has not ended, now: exact up to 10,000, the planner's estimate beyond. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StatusRow(String status, long count, boolean estimated) {
    }

    /** Ended executions in the bucket starting at {@code start}, by outcome; buckets with none are left out. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Bucket(Instant start, Map<String, Long> outcomes) {
    }

    /** Durations in milliseconds; null when no execution of the window had one. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TaskRow(String taskName, long count, Map<String, Long> outcomes, @Nullable Double failureRate,
                   @Nullable Double runP50Ms, @Nullable Double runP95Ms, @Nullable Double runMeanMs,
                   @Nullable Double waitP50Ms, @Nullable Double waitP95Ms, @Nullable Double waitMeanMs) {
        static TaskRow of(TaskMinutes.TaskTotals totals) {
            long count = totals.outcomes().values().stream().mapToLong(Long::longValue).sum();
            return new TaskRow(totals.taskName(), count, totals.outcomes(), rateOfFailure(totals.outcomes()),
                    RuntimeHistogram.percentile(totals.runHistogram(), 0.5),
                    RuntimeHistogram.percentile(totals.runHistogram(), 0.95),
                    mean(totals.runMillisSum(), totals.runCount()),
                    RuntimeHistogram.percentile(totals.waitHistogram(), 0.5),
                    RuntimeHistogram.percentile(totals.waitHistogram(), 0.95),
                    mean(totals.waitMillisSum(), totals.waitCount()));
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record QueueRow(String name, long depth, long delayed, long inFlight, boolean paused,
                    @Nullable Long oldestAgeSeconds) {
    }

    @Get
    Overview overview(@Nullable @QueryValue String window) {
        Window chosen = Window.of(window);
        Instant now = clock.instant();
        long step = chosen.step.toMillis();
        // The axis ends after the bucket holding now, so the current (partial) bucket is its last point.
        Instant to = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), step) * step + step);
        Instant from = to.minus(chosen.length);
        List<Bucket> buckets = minutes.outcomes(from, chosen.step).stream()
                .map(bucket -> new Bucket(bucket.start(), bucket.outcomes())).toList();
        List<TaskRow> tasks = minutes.tasks(from).stream().map(TaskRow::of).toList();
        Map<String, Long> ended = new LinkedHashMap<>();
        ExecutionStatus.endedValues().forEach(status -> ended.put(status, tasks.stream()
                .mapToLong(task -> task.outcomes().get(status)).sum()));
        List<StatusRow> unfinished = Arrays.stream(ExecutionStatus.values()).filter(status -> !status.ended())
                .map(status -> history.countStatus(status.value()))
                .map(count -> new StatusRow(count.status(), count.count(), count.estimated())).toList();
        List<BrokerMonitor.QueueDepth> depths;
        try {
            depths = queueDepths.read();
        } catch (BrokerUnavailableException e) {
            depths = null;
        }
        List<QueueRow> queues = depths == null ? List.of() : depths.stream()
                .map(depth -> new QueueRow(depth.name(), depth.ready(), depth.delayed(), depth.leased(), depth.paused(),
                        depth.oldestReady() == null ? null
                                : Math.max(0, Duration.between(depth.oldestReady(), now).toSeconds())))
                .toList();
        return new Overview(chosen.label, from, to, chosen.step.toSeconds(), unfinished, ended, buckets, tasks,
                depths != null, queues);
    }

    /** Failed among those that succeeded or failed (revoked and cancelled are decisions, not failures). */
    private static @Nullable Double rateOfFailure(Map<String, Long> outcomes) {
        long failed = outcomes.get(ExecutionStatus.FAILED.value());
        long settled = failed + outcomes.get(ExecutionStatus.SUCCESS.value());
        return settled == 0 ? null : (double) failed / settled;
    }

    private static @Nullable Double mean(long sum, long count) {
        return count == 0 ? null : (double) sum / count;
    }
}
