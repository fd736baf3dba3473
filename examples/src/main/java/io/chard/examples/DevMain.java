package io.chard.examples;

import io.chard.admin.AdminMain;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.micronaut.context.ApplicationContext;

import java.io.IOException;
import java.util.Map;

/**
 * {@code ./chard dev}: the whole system in one JVM (admin-api with the recorder, a worker, the example
 * tasks). Starts an embedded Redis and PostgreSQL unless {@code REDIS_URI} and {@code CHARD_JDBC_URL} name
 * running ones.
 */
public final class DevMain {

    public static void main(String[] args) throws IOException {
        Map<String, Object> properties = LaunchProperties.server(LocalServers.environment());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        ApplicationContext context = AdminMain.start(args, properties);
        int port = context.getProperty("micronaut.server.port", Integer.class).orElse(8080);
        System.out.printf("%nChard is running: http://localhost:%d  (health: http://localhost:%d/health)%n"
                + "  dispatch: curl -X POST localhost:%d/api/background_tasks/tasks -H 'Content-Type: application/json' "
                + "-d '{\"task\":\"examples.add\",\"args\":[2,3]}'%n%n", port, port, port);
    }
}
