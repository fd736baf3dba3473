package io.chard.app;

import io.chard.admin.testing.ApiClient;
import io.chard.broker.Broker;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./chard dev} as a process: its SQS-triggered queue served through ElasticMQ, and its stop on SIGTERM.
 * The first process uses this machine's Redis and PostgreSQL (so that what it leaves in Redis can be read after
 * it exited) and its own embedded ElasticMQ; the last starts every server itself, as {@code ./chard dev} does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevModeTest {
    /**
     * The goal is 3 s from SIGTERM to exit; measured 1.0-1.8 s here on a loaded machine. The margin is for
     * slower CI machines; the old launcher never exited at all (its two shutdown hooks deadlocked).
     */
    static final Duration STOP_LIMIT = Duration.ofSeconds(6);
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String NAMESPACE = "test-dev-" + UUID.randomUUID().toString().substring(0, 8);
    static DevProcess dev;

    @BeforeAll
    static void startOnTheMachinesServers() throws IOException {
        TestPostgres.Server postgres = TestPostgres.server();
        dev = DevProcess.start(Map.of(
                "REDIS_URI", TestRedis.uri(),
                "CHARD_NAMESPACE", NAMESPACE,
                "CHARD_JDBC_URL", postgres.urlOf(TestPostgres.freshDatabase()),
                "CHARD_JDBC_USER", postgres.user(),
                "CHARD_JDBC_PASSWORD", postgres.password()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (dev != null) {
            dev.close();
        }
    }

    @Test
    @Order(1)
    void aDispatchToTheSqsTriggeredQueueTravelsThroughElasticMqAndSucceeds() {
        ApiClient api = dev.admin();
        ApiClient.Answer accepted = api.post("/api/background_tasks/tasks",
                "{\"task\":\"examples.add\",\"args\":[2,3],\"queue\":\"sqs\"}");
        assertEquals(202, accepted.status(), accepted.body());
        String id = accepted.text("id");
        // Dev's container worker does not consume "sqs", and the timer drain first runs a minute after start:
        // the SQS function, fed from ElasticMQ, is what runs it.
        Await.until("the execution on the SQS-triggered queue succeeds", WAIT, () -> {
            ApiClient.Answer state = api.get("/api/background_tasks/tasks/" + id);
            return "success".equals(state.text("status")) && "5".equals(state.text("result"));
        });
        // Logged once the drain returns, a moment after the outcome is settled.
        Await.until("the SQS function logs the batch it ran", WAIT,
                () -> dev.output().contains("sqs drain of 1 messages: ran 1 (1 succeeded"));
    }

    @Test
    @Order(2)
    void sigtermStopsDevWithinSecondsAndTheTaskItWasRunningIsHandedBackPending() throws Exception {
        ApiClient api = dev.admin();
        ApiClient.Answer accepted = api.post("/api/background_tasks/tasks",
                "{\"task\":\"examples.sleep\",\"args\":[60]}");
        assertEquals(202, accepted.status(), accepted.body());
        UUID id = UUID.fromString(accepted.text("id"));
        Await.until("the sleep runs", WAIT,
                () -> "running".equals(api.get("/api/background_tasks/tasks/" + id).text("status")));

        Duration stopped = dev.terminate(STOP_LIMIT);

        assertNotNull(stopped, "dev still runs " + STOP_LIMIT.toSeconds() + " s after SIGTERM:\n" + dev.output());
        assertEquals(0, dev.process.exitValue(), dev.output());
        System.out.println("dev on the machine's servers stopped " + stopped.toMillis() + " ms after SIGTERM");
        try (ApplicationContext reader = ApplicationContext.run(Map.of(
                ChardSettings.REDIS_URI, TestRedis.uri(), ChardSettings.NAMESPACE, NAMESPACE))) {
            ExecutionSnapshot left = reader.getBean(Broker.class).snapshot(id).orElseThrow();
            assertEquals(ExecutionStatus.PENDING, left.status(), "given back, waiting for the next worker");
            assertEquals(1, left.deliveries());
        }
    }

    @Test
    @Order(3)
    void withItsOwnServersSigtermStopsTheApplicationThenEveryServerAndRemovesTheirFiles() throws Exception {
        Set<Path> before = scratch();
        try (DevProcess own = DevProcess.start(Map.of())) {
            List<ProcessHandle> children = own.process.descendants().toList();
            assertFalse(children.isEmpty(), "the embedded Redis runs as a child process");
            Set<Path> created = scratch();
            created.removeAll(before);
            assertFalse(created.isEmpty(), "the embedded servers' files are where this test looks");

            Duration stopped = own.terminate(STOP_LIMIT);

            assertNotNull(stopped, "dev still runs " + STOP_LIMIT.toSeconds() + " s after SIGTERM:\n" + own.output());
            assertEquals(0, own.process.exitValue(), own.output());
            System.out.println("dev on its own servers stopped " + stopped.toMillis() + " ms after SIGTERM");
            assertTrue(own.output().contains("stopping the application, then the servers"), own.output());
            assertFalse(own.output().contains("Connection refused"), "nothing used a server after it stopped:\n"
                    + own.output());
            for (ProcessHandle child : children) {
                assertFalse(child.isAlive(), "the embedded server " + child.info().command() + " stopped");
            }
            for (Path path : created) {
                assertFalse(Files.exists(path), path + " removed");
            }
        }
    }

    /** The embedded servers' files: the Redis binary's folder, PostgreSQL's data on the RAM disk. */
    private static Set<Path> scratch() throws IOException {
        Set<Path> found = list(Path.of(System.getProperty("java.io.tmpdir")), "chard-dev-redis");
        found.addAll(list(Path.of("/dev/shm"), "chard-dev-postgres"));
        return found;
    }

    private static Set<Path> list(Path folder, String prefix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return new HashSet<>();
        }
        try (Stream<Path> paths = Files.list(folder)) {
            return paths.filter(path -> path.getFileName().toString().startsWith(prefix))
                    .collect(Collectors.toSet());
        }
    }
}
