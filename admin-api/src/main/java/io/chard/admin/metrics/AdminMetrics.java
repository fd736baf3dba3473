package io.chard.admin.metrics;

import io.chard.broker.BrokerMonitor;
import io.chard.loop.BoundedRead;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * admin-api's own meters: dispatches over HTTP by task and queue, the queue gauges and the recorder's lag (events
 * not acknowledged yet, and the oldest one's age: admin-api is where the recorder runs). The gauges are read from
 * Redis once per scrape ({@link #scrape()}), by this one reader rather than by every worker; while Redis does not
 * answer, {@code chard_broker_up} is 0 and the gauges keep their last values, so the other metrics still arrive.
 */
@Singleton
public final class AdminMetrics {
    /** The task-and-queue pairs counted apart; the size check is not atomic, so a burst may pass it by a few. */
    static final int DISPATCH_SERIES = 1_000;
    /** The queue label of dispatches into queues beyond {@link #DISPATCH_SERIES} (no queue name can hold a space). */
    static final String OTHER_QUEUES = "other queues";

    private final Map<TaskQueue, Counter> dispatchedCounters = new ConcurrentHashMap<>();
    private final PrometheusMeterRegistry registry;
    private final BrokerMonitor monitor;
    private final Clock clock;
    private final AtomicInteger brokerUp = new AtomicInteger();
    /** The queue gauges' read of Redis, bounded to a second (see {@link #scrape()}). */
    private final BoundedRead<Boolean> brokerRead = new BoundedRead<>(Duration.ofSeconds(1), this::readBroker);
    private final MultiGauge ready;
    private final MultiGauge delayed;
    private final MultiGauge inFlight;
    private final MultiGauge held;
    private final MultiGauge paused;
    private final MultiGauge oldestAge;
    private final AtomicLong recorderEvents = new AtomicLong();
    private final AtomicLong recorderOldestMillis = new AtomicLong();

    public AdminMetrics(PrometheusMeterRegistry registry, BrokerMonitor monitor, Clock clock) {
        this.registry = registry;
        this.monitor = monitor;
        this.clock = clock;
        Gauge.builder("chard.broker.up", brokerUp, AtomicInteger::get)
                .description("1 when Redis answered the last scrape, else 0").register(registry);
        ready = queueGauge("chard.queue.depth", "executions waiting to be leased now");
        delayed = queueGauge("chard.queue.delayed", "executions waiting for a due time (countdown, eta, retry)");
        inFlight = queueGauge("chard.queue.in.flight", "executions leased by a worker");
        held = queueGauge("chard.queue.held", "executions held back while a rate limit or concurrency cap of their "
                + "task or queue has no room (not ready, so not in the oldest-ready age)");
        paused = queueGauge("chard.queue.paused", "1 while the queue is paused");
        oldestAge = MultiGauge.builder("chard.queue.oldest.ready.age").baseUnit("seconds")
                .description("how long the oldest execution next in line has waited since its dispatch; 0 when "
                        + "none is ready (the autoscaling signal)").register(registry);
        Gauge.builder("chard.recorder.lag.events", recorderEvents, AtomicLong::get)
                .description("events the history recorder has not acknowledged: pending in its group or not read")
                .register(registry);
        Gauge.builder("chard.recorder.oldest.unacknowledged.age", recorderOldestMillis, millis -> millis.get() / 1000.0)
                .baseUnit("seconds").description("how long ago the oldest event not acknowledged by the recorder was "
                        + "appended; 0 when none is waiting").register(registry);
    }

    /**
     * Counts {@code count} executions of {@code task} dispatched into {@code queue} over HTTP. Task names are the
     * registry's, but a queue is any name a caller sends: past {@link #DISPATCH_SERIES} task-and-queue pairs, a new
     * pair counts under the queue {@link #OTHER_QUEUES}, so a caller cannot grow this counter's series without bound,
     * and the totals per task stay right. (The queue gauges list the queues Redis holds, which the maintenance
     * forgets once unused for {@code chard.queue-retention}.) A pair counted apart stays apart until a restart.
     */
    public void dispatched(String task, String queue, int count) {
        // Built once per task and queue: a meter id built and looked up per dispatch showed on the hot path.
        Counter counter = dispatchedCounters.get(new TaskQueue(task, queue));
        if (counter == null) {
            TaskQueue series = dispatchedCounters.size() < DISPATCH_SERIES ? new TaskQueue(task, queue)
                    : new TaskQueue(task, OTHER_QUEUES);
            counter = dispatchedCounters.computeIfAbsent(series, key -> Counter.builder("chard.tasks.dispatched")
                    .description("executions dispatched over HTTP").tags("task", key.task(), "queue", key.queue())
                    .register(registry));
        }
        counter.increment(count);
    }


    private record TaskQueue(String task, String queue) {
    }

    /**
     * Every meter in the Prometheus text format, the queue gauges read from Redis just before: within a second, else
     * with {@code chard_broker_up} 0 and the gauges as last read. A Redis that stops answering without closing the
     * connection held the scrape for the client's 10 s timeout, Prometheus' own, so the whole scrape was lost,
     * {@code chard_broker_up} with it. One read is in flight at a time; a scrape during a slow one waits on it.
     */
    public String scrape() {
        brokerUp.set(brokerRead.await(false) ? 1 : 0);
        return registry.scrape();
    }

    /** Reads the gauges from Redis; whether Redis answered. */
    private boolean readBroker() {
        try {
            List<BrokerMonitor.QueueDepth> queues = monitor.queues();
            long now = clock.millis();
            set(ready, queues, BrokerMonitor.QueueDepth::ready);
            set(delayed, queues, BrokerMonitor.QueueDepth::delayed);
            set(inFlight, queues, BrokerMonitor.QueueDepth::leased);
            set(held, queues, BrokerMonitor.QueueDepth::held);
            set(paused, queues, queue -> queue.paused() ? 1 : 0);
            set(oldestAge, queues, queue -> queue.oldestReady() == null ? 0
                    : Math.max(0, now - queue.oldestReady().toEpochMilli()) / 1000.0);
            BrokerMonitor.RecorderLag lag = monitor.recorderLag();
            recorderEvents.set(lag.events());
            recorderOldestMillis.set(lag.oldest() == null ? 0 : Math.max(0, now - lag.oldest().toEpochMilli()));
            return true;
        } catch (RuntimeException e) {
            // Unavailable, or an error Redis answered (a key of another type, an ACL): either way the broker's
            // figures are not known, and the rest of the scrape is still served.
            return false;
        }
    }

    private MultiGauge queueGauge(String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    private static void set(MultiGauge gauge, List<BrokerMonitor.QueueDepth> queues,
                            ToDoubleFunction<BrokerMonitor.QueueDepth> value) {
        // overwrite: a queue no longer listed drops out of the gauge instead of keeping its last value.
        gauge.register(queues.stream().map(queue -> MultiGauge.Row.of(Tags.of("queue", queue.name()),
                value.applyAsDouble(queue))).toList(), true);
    }
}
