package io.chard.admin.metrics;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/**
 * {@code GET /metrics}: Prometheus text. Open to anonymous scrapers, as {@code /health} is: Prometheus scrapes
 * without credentials, and the figures name queues and tasks, never arguments or results. Keep the port off the
 * public network (docs/architecture.md, "Metrics").
 */
@Controller("/metrics")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class MetricsController {
    private final AdminMetrics metrics;

    MetricsController(AdminMetrics metrics) {
        this.metrics = metrics;
    }

    @Get
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    String scrape() {
        return metrics.scrape();
    }
}
