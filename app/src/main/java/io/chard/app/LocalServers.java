package io.chard.app;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * The servers of the local modes: the ones named by {@code REDIS_URI} and {@code CHARD_JDBC_URL}, or embedded
 * ones (Redis 6.2 and PostgreSQL binaries from Maven Central) started here and stopped when the JVM exits.
 */
public final class LocalServers {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServers.class);

    private LocalServers() {
    }

    /** The environment with REDIS_URI and CHARD_JDBC_* filled in, starting what is missing. */
    public static Map<String, String> environment() throws IOException {
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
            env.put("CHARD_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
            env.put("CHARD_JDBC_USER", "postgres");
            LOG.info("started an embedded PostgreSQL on port {}", postgres.getPort());
        }
        return env;
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
