package io.chard.worker;

import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A redis-server of a test's own (from PATH), which the test can make refuse writes the way a production
 * Redis does: NOREPLICAS ({@code min-replicas-to-write} unmet) or MISCONF (a snapshot that cannot be written).
 */
final class RefusingRedis implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process server;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RefusingRedis() throws IOException {
        dir = Files.createTempDirectory("chard-refusing-redis");
        // The snapshot target of refuseWithMisconf: a directory, which no save can replace.
        Files.createDirectory(dir.resolve("blocked.rdb"));
        port = TestRedis.freePort();
        server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "3600 1000000", "--appendonly", "no",
                "--enable-protected-configs", "local")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        client = RedisClient.create("redis://127.0.0.1:" + port);
        connection = Await.value("redis-server answers", Duration.ofSeconds(10), this::connectOrNull);
    }

    static boolean available() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(bin -> Files.isExecutable(Path.of(bin, "redis-server")));
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void refuseWithNoReplicas() {
        commands().configSet("min-replicas-to-write", "1");
    }

    void refuseWithMisconf() {
        commands().configSet("dbfilename", "blocked.rdb");
        commands().bgsave();
        Await.until("the snapshot fails", Duration.ofSeconds(10),
                () -> commands().info("persistence").contains("rdb_last_bgsave_status:err")
                        && !commands().info("persistence").contains("rdb_bgsave_in_progress:1"));
    }

    void acceptWrites() {
        commands().configSet("min-replicas-to-write", "0");
        commands().configSet("stop-writes-on-bgsave-error", "no");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            // NOSAVE: on a plain SIGTERM, a server with save points saves first, and stays up when it cannot.
            commands().shutdown(false);
        } catch (RuntimeException expected) {
            // the server closes the connection as it goes
        }
        connection.close();
        client.shutdown();
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private RedisCommands<String, String> commands() {
        return connection.sync();
    }

    private StatefulRedisConnection<String, String> connectOrNull() {
        try {
            return client.connect();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
