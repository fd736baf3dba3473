package io.chard.history;

import java.util.Map;

/** The Micronaut properties every process with a history database needs, whatever launched it. */
public final class HistorySettings {

    /** Flyway migrates the history schema at start-up; the scripts live under {@code db/chard}. */
    public static Map<String, Object> defaults() {
        return Map.of(
                "flyway.datasources.default.enabled", true,
                "flyway.datasources.default.locations", "classpath:db/chard",
                "datasources.default.driver-class-name", "org.postgresql.Driver",
                "datasources.default.maximum-pool-size", 8,
                "datasources.default.connection-timeout", 5_000);
    }

    private HistorySettings() {
    }
}
