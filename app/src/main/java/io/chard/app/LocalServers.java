package io.chard.app;

import io.chard.config.LaunchProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The servers of the local modes: the ones named by {@code REDIS_URI}, {@code CHARD_JDBC_URL} and (when asked
 * for) {@code CHARD_SQS_ENDPOINT}, or embedded ones started here: Redis 6.2 and PostgreSQL binaries from Maven
 * Central, and ElasticMQ (an SQS-compatible server in this JVM) on {@link #SQS_PORT}. The caller stops them with
 * {@link #close()} after its application has stopped: stopped first, they left the application retrying its
 * connections. Each embedded server's files (the Redis binary, PostgreSQL's data) are removed when it stops.
 */
public final class LocalServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServers.class);
    /** How long {@link #close()} waits for the servers, which stop side by side. */
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(3);
    /**
     * PostgreSQL's data goes on this RAM file system when it has this much room: its initdb, checkpoints and the
     * removal of about a thousand files at stop take a fraction of the time they take on a busy disk.
     */
    private static final Path RAM_DISK = Path.of("/dev/shm");
    private static final long RAM_DISK_ROOM = 512L << 20;
    /** Starts the embedded Redis in a session of its own, where there is one (Linux's util-linux). */
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /** The embedded ElasticMQ's port (ElasticMQ's own default), unless {@code CHARD_DEV_SQS_PORT} names another. */
    public static final int SQS_PORT = 9324;

    /** What a local mode may need. */
    public enum Server { REDIS, POSTGRES, SQS }

    /** One embedded server: its name in the log, and how to stop it and remove its files. */
    private record Started(String name, Stop stop) {
    }

    private interface Stop {
        void run() throws Exception;
    }

    private final Map<String, String> environment;
    private final List<Started> started;

    private LocalServers(Map<String, String> environment, List<Started> started) {
        this.environment = environment;
        this.started = started;
    }

    /** Redis and PostgreSQL: starts what {@code REDIS_URI} and {@code CHARD_JDBC_URL} do not name. */
    public static LocalServers start() throws IOException {
        return start(EnumSet.of(Server.REDIS, Server.POSTGRES));
    }

    /** Starts those of {@code wanted} that the environment does not name. */
    public static LocalServers start(Set<Server> wanted) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        LocalServers servers = new LocalServers(env, new ArrayList<>());
        try {
            if (wanted.contains(Server.REDIS) && !env.containsKey("REDIS_URI")) {
                servers.started.add(startRedis(env));
            }
            if (wanted.contains(Server.POSTGRES) && !env.containsKey("CHARD_JDBC_URL")) {
                servers.started.add(startPostgres(env));
            }
            if (wanted.contains(Server.SQS) && !env.containsKey("CHARD_SQS_ENDPOINT")) {
                servers.started.add(startElasticMq(env));
            }
        } catch (IOException | RuntimeException e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    private static Started startRedis(Map<String, String> env) throws IOException {
        Path binary = Files.createTempDirectory("chard-dev-redis");
        int port = freePort();
        // No snapshot at stop: it would only slow the stop down, as the folder goes with it.
        List<String> command = new ArrayList<>(RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newJarResourceProvider(binary.toFile()))
                .bind("127.0.0.1").port(port).setting("save \"\"").setting("dir " + binary).buildCommandArgs());
        if (Files.isExecutable(SETSID)) {
            // A session of its own: Ctrl-C in a terminal signals the whole foreground process group, and Redis
            // would quit at once, under the application that is still handing work back to it.
            command.addFirst(SETSID.toString());
        }
        RedisServer redis = new RedisServer(port, command, false);
        try {
            redis.start();
        } catch (IOException | RuntimeException e) {
            deleteTree(binary);
            throw e;
        }
        env.put("REDIS_URI", "redis://127.0.0.1:" + port);
        LOG.info("started an embedded Redis on port {}", port);
        return new Started("Redis", () -> {
            redis.stop();
            deleteTree(binary);
        });
    }

    private static Started startPostgres(Map<String, String> env) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (Files.isDirectory(RAM_DISK) && Files.isWritable(RAM_DISK)
                && Files.getFileStore(RAM_DISK).getUsableSpace() > RAM_DISK_ROOM) {
            builder.setDataDirectory(Files.createTempDirectory(RAM_DISK, "chard-dev-postgres"));
        }
        EmbeddedPostgres postgres = builder.start();
        env.put("CHARD_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        env.put("CHARD_JDBC_USER", "postgres");
        LOG.info("started an embedded PostgreSQL on port {}", postgres.getPort());
        // Closing stops it and removes its data directory.
        return new Started("PostgreSQL", postgres::close);
    }

    private static Started startElasticMq(Map<String, String> env) {
        int port = LaunchProperties.port(env, "CHARD_DEV_SQS_PORT", SQS_PORT);
        SQSRestServer elasticMq;
        try {
            elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
            elasticMq.waitUntilStarted();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the embedded ElasticMQ cannot listen on 127.0.0.1:" + port + " (" + e
                    + "): set CHARD_DEV_SQS_PORT to a free port, or CHARD_SQS_ENDPOINT to a running SQS", e);
        }
        env.put("CHARD_SQS_ENDPOINT", "http://127.0.0.1:" + port);
        // ElasticMQ takes any credentials, but the AWS SDK refuses to send a request without some.
        for (String property : List.of("aws.accessKeyId", "aws.secretAccessKey")) {
            if (System.getProperty(property) == null && !env.containsKey("AWS_ACCESS_KEY_ID")) {
                System.setProperty(property, "local");
            }
        }
        LOG.info("started an embedded ElasticMQ (SQS) on port {}", port);
        return new Started("ElasticMQ", elasticMq::stopAndWait);
    }

    /** The environment with REDIS_URI, CHARD_JDBC_* and CHARD_SQS_ENDPOINT filled in (what was asked for). */
    public Map<String, String> environment() {
        return environment;
    }

    /** Stops the embedded servers side by side, waiting at most {@link #STOP_PATIENCE}. */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (Started server : started) {
            stopping.add(Thread.ofPlatform().name("chard-stop-" + server.name()).daemon()
                    .start(() -> stopQuietly(server)));
        }
        long deadline = System.nanoTime() + STOP_PATIENCE.toNanos();
        try {
            for (Thread thread : stopping) {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        started.clear();
    }

    private static void stopQuietly(Started server) {
        try {
            server.stop().run();
        } catch (Exception e) {
            LOG.warn("stopping the embedded {} failed: {}", server.name(), e.getMessage());
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free on this host now (for servers this process or its children start). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
