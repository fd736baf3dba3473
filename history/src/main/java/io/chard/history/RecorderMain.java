package io.chard.history;

import io.chard.database.DatabaseProperties;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.config.ProcessRunner;

import java.util.HashMap;
import java.util.Map;

/**
 * The history recorder on its own ({@code ./chard recorder}), for deployments that scale admin-api apart from
 * the history writer. Same environment as admin-api: REDIS_URI and CHARD_JDBC_*.
 */
public final class RecorderMain {

    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> properties = new HashMap<>(DatabaseProperties.defaults());
        properties.putAll(LaunchProperties.server(System.getenv()));
        properties.remove("micronaut.server.port");
        properties.put(ChardSettings.RECORDER_ENABLED, true);
        ProcessRunner.runUntilSignalled(properties);
    }
}
