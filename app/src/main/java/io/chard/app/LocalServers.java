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
 * ones (Redis 6.2 and PostgreSQL binaries from Maven Central) started here. The caller stops them with
 * {@link #close()} after its application has stopped: stopped first, they left the application retrying its
 * connections for about 20 s before it could exit.
 */
public final class LocalServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServers.class);

    private final Map<String, String> environment;
    private final RedisServer redis;
    private final EmbeddedPostgres postgres;

    private LocalServers(Map<String, String> environment, RedisServer redis, EmbeddedPostgres postgres) {
        this.environment = environment;
        this.redis = redis;
        this.postgres = postgres;
    }

    /** Starts what {@code REDIS_URI} and {@code CHARD_JDBC_URL} do not name. */
    public static LocalServers start() throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        RedisServer redis = null;
        EmbeddedPostgres postgres = null;
        if (!env.containsKey("REDIS_URI")) {
            int port = freePort();
            redis = RedisServer.newRedisServer().bind("127.0.0.1").port(port).build();
            redis.start();
            env.put("REDIS_URI", "redis://127.0.0.1:" + port);
            LOG.info("started an embedded Redis on port {}", port);
        }
        if (!env.containsKey("CHARD_JDBC_URL")) {
            postgres = EmbeddedPostgres.builder().start();
            env.put("CHARD_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
            env.put("CHARD_JDBC_USER", "postgres");
            LOG.info("started an embedded PostgreSQL on port {}", postgres.getPort());
        }
        return new LocalServers(env, redis, postgres);
    }

    /** The environment with REDIS_URI and CHARD_JDBC_* filled in. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Stops the embedded servers (PostgreSQL removes its data directory). */
    @Override
    public void close() {
        if (redis != null) {
            stopQuietly("Redis", redis::stop);
        }
        if (postgres != null) {
            stopQuietly("PostgreSQL", postgres::close);
        }
    }

    /** A port free on this host now (for servers this process or its children start). */
    public static int freePort() throws IOException {
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
