package io.chard.beat.function;

import io.chard.broker.Broker;
import io.chard.config.ChardSettings;
import io.chard.worker.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * Beat's meters, always kept, and its scrape port, opened only in the long-lived beat and only when
 * {@code chard.beat.metrics-port} is set (as the worker's: a fixed default would collide on a shared host, and a
 * Lambda has no port; the beat function writes an embedded-metric line per invocation instead).
 */
@Factory
class BeatMetricsFactory {

    @Singleton
    @Bean(preDestroy = "close")
    BeatMetrics beatMetrics() {
        return new BeatMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @Context
    @Requires(property = ChardSettings.BEAT_METRICS_PORT)
    @Requires(property = ChardSettings.BEAT_ENABLED, value = "true")
    @Bean(preDestroy = "close")
    MetricsServer beatMetricsServer(@Property(name = ChardSettings.BEAT_METRICS_PORT) int port, BeatMetrics metrics,
                                    Broker broker) {
        return new MetricsServer(port, metrics::scrape, broker);
    }
}
