package io.chard.testing;

import io.chard.database.DatabaseProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL that integration tests use: {@code CHARD_TEST_JDBC_URL} (with {@code CHARD_TEST_JDBC_USER},
 * {@code CHARD_TEST_JDBC_PASSWORD}) when set, else a Testcontainers PostgreSQL when a Docker daemon answers,
 * else an embedded server from Maven Central. Each caller gets a fresh database of its own.
 */
public final class TestPostgres {
    private static Server server;

    private TestPostgres() {
    }

    /** A server: {@code url} names any database on it that we may connect to. */
    public record Server(String url, String user, String password) {
        public String host() {
            return URI.create(url.substring("jdbc:".length())).getHost();
        }

        public int port() {
            int port = URI.create(url.substring("jdbc:".length())).getPort();
            return port < 0 ? 5432 : port;
        }

        public String urlOf(String database) {
            return urlOf(host(), port(), database);
        }

        public String urlOf(String host, int port, String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    public static synchronized Server server() {
        if (server == null) {
            server = locate();
        }
        return server;
    }

    /** Creates an empty database and answers its name. */
    public static String freshDatabase() {
        String name = "chard_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(server().url(), server().user(), server().password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + server().url() + ": " + e, e);
        }
        return name;
    }

    /** Micronaut properties for a history on a fresh database (reached through {@code port} if given). */
    public static Map<String, Object> properties(String database, String host, int port) {
        Map<String, Object> properties = new HashMap<>(DatabaseProperties.defaults());
        properties.put("datasources.default.url", server().urlOf(host, port, database));
        properties.put("datasources.default.username", server().user());
        properties.put("datasources.default.password", server().password());
        return properties;
    }

    public static Map<String, Object> properties() {
        return properties(freshDatabase(), server().host(), server().port());
    }

    private static Server locate() {
        String url = System.getenv("CHARD_TEST_JDBC_URL");
        if (url != null && !url.isBlank()) {
            return new Server(url, envOr("CHARD_TEST_JDBC_USER", "postgres"), envOr("CHARD_TEST_JDBC_PASSWORD", ""));
        }
        if (TestRedis.dockerAvailable()) {
            GenericContainer<?> postgres = new GenericContainer<>("postgres:15-alpine")
                    .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust").withExposedPorts(5432);
            postgres.start();
            return new Server("jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(5432)
                    + "/postgres", "postgres", "");
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new Server(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("No PostgreSQL for the tests: set CHARD_TEST_JDBC_URL (e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/postgres), start a Docker daemon, or allow the embedded "
                    + "server to run: " + e, e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
