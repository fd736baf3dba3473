package io.chard.beat.function;

import io.chard.beat.MaintenanceTasks;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.config.ProcessRunner;
import io.chard.database.DatabaseProperties;

import java.util.HashMap;
import java.util.Map;

/**
 * Beat as a long-lived process ({@code ./chard beat}): ticks every second and runs the built-in maintenance
 * tasks on their own queue. Any number may run at once. Environment as admin-api (REDIS_URI, CHARD_JDBC_*).
 */
public final class BeatMain {

    public static void main(String[] args) throws InterruptedException {
        ProcessRunner.runUntilSignalled(properties(System.getenv()));
    }

    static Map<String, Object> properties(Map<String, String> env) {
        Map<String, Object> properties = functionProperties(env);
        properties.put(ChardSettings.BEAT_ENABLED, true);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        return properties;
    }

    /**
     * The Lambda handler's properties: the same environment as the process (no DATASOURCES_DEFAULT_*), with
     * the loops off: the handler ticks and drains the maintenance queue itself, once per invocation.
     */
    static Map<String, Object> functionProperties(Map<String, String> env) {
        Map<String, Object> properties = new HashMap<>(DatabaseProperties.defaults());
        properties.putAll(LaunchProperties.server(env));
        properties.remove("micronaut.server.port");
        properties.put(ChardSettings.BEAT_ENABLED, false);
        properties.put(ChardSettings.WORKER_ENABLED, false);
        properties.put(ChardSettings.WORKER_QUEUES, MaintenanceTasks.QUEUE);
        properties.put(ChardSettings.WORKER_CONCURRENCY, 2);
        // An invocation opens what it needs; idle connections would only be refilled into a snapshot (SnapStart).
        properties.put("datasources.default.minimum-idle", 0);
        // And the pool opens none at its creation: with no idle connection kept, the one Hikari opens there to fail
        // fast is closed at once (a connection's set-up on a cold JVM, 60 ms of the init), and the schema check or
        // Flyway has just reached the database; unreachable, the first statement fails after the connection timeout.
        properties.put("datasources.default.initialization-fail-timeout", -1);
        return properties;
    }
}
