package io.chard.worker.metrics;

import io.chard.broker.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * What one worker counts: executions started and how they ended, by task and queue; their run time and how long
 * they waited to start; busy run slots; refused (stale) reports; lapsed leases it took back, by queue. Tags stay bounded: task names come from the registry (an envelope that did not
 * parse or names no registered task counts under {@value #NONE}, for task and queue), queues from the worker's
 * configuration.
 */
public final class WorkerMetrics {
    /** The task and queue tags of a poison message, whose task name is untrusted input (unbounded tag values). */
    public static final String NONE = "none";
    private final PrometheusMeterRegistry registry;
    private final Map<String, Map<String, TaskMeters>> meters = new ConcurrentHashMap<>();
    private final Map<String, Counter> lapsedLeases = new ConcurrentHashMap<>();

    /**
     * The registry is this worker's own, not a bean: where admin-api shares the process (./chard dev), its
     * micronaut-micrometer registries stay apart from the worker's.
     */
    public WorkerMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        registry.close();
    }

    /**
     * @param waitedNanos how long the execution waited to start since it became ready (dispatched, due, released
     *                    by its workflow or its limit, or its lapsed lease taken back); negative when unknown
     */
    public void started(String task, String queue, long waitedNanos) {
        TaskMeters meters = meters(task, queue);
        meters.started().increment();
        if (waitedNanos >= 0) {
            meters.waited().record(waitedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Leases that lapsed (their worker went silent) and that this worker's lease calls took back, by queue. */
    public void leasesLapsed(Map<String, Integer> byQueue) {
        byQueue.forEach((queue, count) -> lapsedLeases.computeIfAbsent(queue, q -> Counter
                .builder("chard.lease.expiries").description("leases that lapsed (their worker went silent) and "
                        + "were taken back to be handed on").tags("queue", q).register(registry)).increment(count));
    }

    /** @param run how long the task ran, or null when it never started (a poison message, revoked in time) */
    public void ended(String task, String queue, Outcome outcome, Duration run) {
        TaskMeters meters = meters(task, queue);
        meters.ended(outcome).increment();
        if (run != null) {
            meters.run().record(run);
        }
    }

    /**
     * The meters of one task on one queue, built once: building a meter id and looking it up in the registry for
     * every execution would allocate on the worker's hot path.
     */
    private TaskMeters meters(String task, String queue) {
        Map<String, TaskMeters> byQueue = meters.computeIfAbsent(task, t -> new ConcurrentHashMap<>());
        TaskMeters found = byQueue.get(queue);
        return found != null ? found : byQueue.computeIfAbsent(queue, q -> TaskMeters.of(registry, task, q));
    }

    private record TaskMeters(Counter started, Timer run, Timer waited, Counter succeeded, Counter failed,
                              Counter retried, Counter revoked) {
        static TaskMeters of(PrometheusMeterRegistry registry, String task, String queue) {
            return new TaskMeters(
                    Counter.builder("chard.executions.started").description("executions this worker started")
                            .tags("task", task, "queue", queue).register(registry),
                    Timer.builder("chard.execution.run").description("run time of executions, from start to outcome")
                            .tags("task", task, "queue", queue).publishPercentileHistogram().register(registry),
                    Timer.builder("chard.task.wait").description("how long executions waited to start since they "
                                    + "became ready (dispatch, due time, workflow join, limit release, lapsed lease)")
                            .tags("task", task, "queue", queue).publishPercentileHistogram().register(registry),
                    ended(registry, task, queue, "succeeded"), ended(registry, task, queue, "failed"),
                    ended(registry, task, queue, "retried"), ended(registry, task, queue, "revoked"));
        }

        private static Counter ended(PrometheusMeterRegistry registry, String task, String queue, String outcome) {
            return Counter.builder("chard.executions.ended").description("executions this worker ended, by outcome")
                    .tags("task", task, "queue", queue, "outcome", outcome).register(registry);
        }

        Counter ended(Outcome outcome) {
            return switch (outcome) {
                case Outcome.Success ignored -> succeeded;
                case Outcome.Failure ignored -> failed;
                case Outcome.Retry ignored -> retried;
                case Outcome.Revoked ignored -> revoked;
            };
        }
    }

    /** Reports the broker refused: the lease had lapsed and the execution was handed on. */
    public void staleReports(int count) {
        Counter.builder("chard.worker.stale.reports").description("outcomes refused because the lease had lapsed")
                .register(registry).increment(count);
    }

    /**
     * Registers the run slots (how many there are, and how many run a task now) and the prefetch the worker follows
     * now (the most executions it leases ahead of a run slot: what it finishes in 10 ms, within the setting).
     */
    public void slots(int concurrency, IntSupplier free, IntSupplier prefetch) {
        Gauge.builder("chard.worker.slots", () -> concurrency).description("run slots (concurrency)")
                .register(registry);
        Gauge.builder("chard.worker.slots.busy", () -> concurrency - free.getAsInt())
                .description("run slots running a task now").register(registry);
        Gauge.builder("chard.worker.prefetch", prefetch::getAsInt)
                .description("most executions leased ahead of a run slot now (follows the completion rate)")
                .register(registry);
    }
}
