package io.chard.testing;

import io.chard.config.ChardSettings;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The Redis that integration tests use: {@code REDIS_URI} when set, else a Testcontainers Redis when a
 * Docker daemon answers, else an embedded server from Maven Central. Each test class gets its own namespace,
 * so classes never see each other's keys.
 */
public final class TestRedis {
    private static String uri;

    private TestRedis() {
    }

    public static synchronized String uri() {
        if (uri == null) {
            uri = locate();
        }
        return uri;
    }

    /** Micronaut properties for a context on the test Redis, in a namespace of its own. */
    public static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ChardSettings.REDIS_URI, uri());
        properties.put(ChardSettings.NAMESPACE, "test-" + UUID.randomUUID().toString().substring(0, 8));
        return properties;
    }

    private static String locate() {
        String configured = System.getenv("REDIS_URI");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (dockerAvailable()) {
            GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
            redis.start();
            return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
        }
        try {
            int port = freePort();
            RedisServer server = RedisServer.newRedisServer().bind("127.0.0.1").port(port).build();
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.stop();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return "redis://127.0.0.1:" + port;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("No Redis for the tests: set REDIS_URI (e.g. redis://127.0.0.1:6379), "
                    + "start a Docker daemon, or allow the embedded server to run: " + e, e);
        }
    }

    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
