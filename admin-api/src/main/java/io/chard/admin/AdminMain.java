package io.chard.admin;

import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.history.HistorySettings;
import io.micronaut.runtime.Micronaut;

import java.util.HashMap;
import java.util.Map;

/**
 * admin-api as a process ({@code ./chard admin}): the HTTP API and the history recorder. Redis from
 * {@code REDIS_URI}, PostgreSQL from {@code CHARD_JDBC_URL}, {@code CHARD_JDBC_USER},
 * {@code CHARD_JDBC_PASSWORD}; port from {@code CHARD_HTTP_PORT} (8080).
 */
public final class AdminMain {

    public static void main(String[] args) {
        start(args, LaunchProperties.server(System.getenv()));
    }

    /** Starts admin-api with {@code properties} over the defaults every admin-api process needs. */
    public static io.micronaut.context.ApplicationContext start(String[] args, Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(defaults());
        all.putAll(properties);
        return Micronaut.build(args).properties(all).deduceEnvironment(false).banner(false).start();
    }

    public static Map<String, Object> defaults() {
        Map<String, Object> defaults = new HashMap<>(HistorySettings.defaults());
        defaults.put(ChardSettings.RECORDER_ENABLED, true);
        defaults.put("micronaut.server.max-request-size", 4 * 1024 * 1024);
        defaults.put("endpoints.health.enabled", true);
        defaults.put("endpoints.health.sensitive", false);
        defaults.put("endpoints.health.details-visible", "ANONYMOUS");
        return defaults;
    }
}
