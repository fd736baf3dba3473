package io.chard.worker.metrics;

import io.chard.broker.Broker;
import io.chard.config.ChardSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * The worker's meters, always kept (a counter costs nanoseconds), and its scrape port, opened only when
 * {@code chard.worker.metrics-port} is set: a fixed default port would collide when workers share a host, and a
 * Lambda function has no port to scrape.
 */
@Factory
class WorkerMetricsFactory {

    @Singleton
    @Bean(preDestroy = "close")
    WorkerMetrics workerMetrics() {
        return new WorkerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @Context
    @Requires(property = ChardSettings.WORKER_METRICS_PORT)
    @Requires(property = ChardSettings.WORKER_ENABLED, value = "true")
    @Bean(preDestroy = "close")
    MetricsServer metricsServer(@Property(name = ChardSettings.WORKER_METRICS_PORT) int port, WorkerMetrics metrics,
                                Broker broker) {
        return new MetricsServer(port, metrics::scrape, broker);
    }
}
