package io.chard.beat.function;

import io.chard.beat.FireObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a beat counts: fires by schedule, and how late each fire was dispatched after its due time (one histogram
 * for all schedules: buckets per schedule would multiply the series by the schedules). Schedule names are bounded
 * by the schedules an operator keeps. The registry is beat's own, not a bean, as the worker's is: in
 * {@code ./chard dev} admin-api's registries and the worker's share the process.
 */
public final class BeatMetrics implements FireObserver {
    private final PrometheusMeterRegistry registry;
    private final Timer lateness;
    private final Map<String, Counter> fires = new ConcurrentHashMap<>();

    public BeatMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.lateness = Timer.builder("chard.beat.fire.lateness")
                .description("dispatch time of a fire minus its due time (0 for a fire dispatched ahead with an eta)")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void fired(String schedule, Duration lateness) {
        // A fire dispatched ahead (the Lambda beat's lookahead) starts on time: its eta is the due time.
        this.lateness.record(lateness.isNegative() ? Duration.ZERO : lateness);
        fires.computeIfAbsent(schedule, name -> Counter.builder("chard.beat.fires")
                .description("fires this beat dispatched, by schedule").tag("schedule", name).register(registry))
                .increment();
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        registry.close();
    }
}
