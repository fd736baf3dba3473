package io.chard.admin.health;

import io.chard.broker.RedisBroker;
import io.chard.config.EventsConfig;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far the history recorder is behind: each partition's event stream length against
 * {@code chard.events.max-length}. Down from a sixth of it (dispatch is refused from a third), so an operator
 * hears of a stopped recorder or a PostgreSQL outage well before dispatch does.
 */
@Singleton
final class EventBacklogHealthIndicator implements HealthIndicator {
    private static final String NAME = "history-backlog";
    private final BoundedCheck check;

    EventBacklogHealthIndicator(RedisBroker broker) {
        this.check = new BoundedCheck(NAME, "redis", () -> result(broker.events(), broker.eventBacklog()));
    }

    static HealthResult result(EventsConfig events, List<Long> lengths) {
        long longest = lengths.stream().mapToLong(Long::longValue).max().orElse(0);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("history_enabled", events.historyEnabled());
        details.put("events_waiting", longest);
        details.put("per_partition", lengths);
        details.put("unhealthy_at", events.unhealthyAt());
        details.put("dispatch_refused_at", events.admissionLimit());
        details.put("max_length", events.maxLength());
        boolean lagging = events.historyEnabled() && longest >= events.unhealthyAt();
        if (lagging) {
            details.put("error", "the history recorder is " + longest + " events behind (PostgreSQL down, or no "
                    + "recorder running); dispatch is refused from " + events.admissionLimit());
        }
        return HealthResult.builder(NAME, lagging ? HealthStatus.DOWN : HealthStatus.UP).details(details).build();
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return check.result();
    }
}
