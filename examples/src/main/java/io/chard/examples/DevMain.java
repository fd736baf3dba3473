package io.chard.examples;

import io.chard.admin.AdminMain;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.micronaut.context.ApplicationContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ./chard dev}: the whole system in one JVM (admin-api with the recorder, a worker, the example
 * tasks). Starts an embedded Redis and PostgreSQL unless {@code REDIS_URI} and {@code CHARD_JDBC_URL} name
 * running ones.
 */
public final class DevMain {
    private static final Logger LOG = LoggerFactory.getLogger(DevMain.class);

    public static void main(String[] args) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (!env.containsKey("REDIS_URI")) {
            int port = freePort();
            RedisServer redis = RedisServer.newRedisServer().bind("127.0.0.1").port(port).build();
            redis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly("Redis", redis::stop)));
            env.put("REDIS_URI", "redis://127.0.0.1:" + port);
            LOG.info("started an embedded Redis on port {}", port);
        }
        if (!env.containsKey("CHARD_JDBC_URL")) {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly("PostgreSQL", postgres::close)));
            env.put("CHARD_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
            env.put("CHARD_JDBC_USER", "postgres");
            LOG.info("started an embedded PostgreSQL on port {}", postgres.getPort());
        }
        Map<String, Object> properties = LaunchProperties.server(env);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        ApplicationContext context = AdminMain.start(args, properties);
        int port = context.getProperty("micronaut.server.port", Integer.class).orElse(8080);
        System.out.printf("%nChard is running: http://localhost:%d  (health: http://localhost:%d/health)%n"
                + "  dispatch: curl -X POST localhost:%d/api/background_tasks/tasks -H 'Content-Type: application/json' "
                + "-d '{\"task\":\"examples.add\",\"args\":[2,3]}'%n%n", port, port, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private interface Stop {
        void run() throws Exception;
    }

    private static void stopQuietly(String server, Stop stop) {
        try {
            stop.run();
        } catch (Exception e) {
            LOG.warn("stopping the embedded {} failed: {}", server, e.getMessage());
        }
    }
}
