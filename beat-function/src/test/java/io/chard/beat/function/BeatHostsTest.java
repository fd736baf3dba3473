package io.chard.beat.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.beat.ScheduleStore;
import io.chard.beat.testing.BeatFixture;
import io.chard.config.ChardSettings;
import io.chard.database.Jdbc;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.ScheduleSpec;
import io.chard.worker.function.DeadlineContext;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micronaut.json.JsonMapper;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beat's hosts (the long-lived loop and the Lambda handler) against a real PostgreSQL and Redis. */
class BeatHostsTest {
    final BeatFixture fixture = new BeatFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void threeBeatsRacingFireEveryOneSecondScheduleExactlyOncePerSecond() throws Exception {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        List<UUID> schedules = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            schedules.add(store.create(BeatFixture.definition("race-" + i, new ScheduleSpec.Interval(Duration.ofSeconds(1)),
                    MisfirePolicy.FIRE_ONCE, null), "api", Instant.EPOCH).id());
        }
        Map<String, Object> beatProperties = new HashMap<>(fixture.properties);
        beatProperties.put(ChardSettings.BEAT_ENABLED, true);
        beatProperties.remove("flyway.datasources.default.enabled");
        List<ApplicationContext> beats = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            beats.add(ApplicationContext.run(beatProperties));
        }
        Thread.sleep(Duration.ofSeconds(60));
        beats.forEach(ApplicationContext::close);

        Jdbc jdbc = fixture.bean(Jdbc.class);
        long totalFires = 0;
        for (UUID schedule : schedules) {
            List<Instant> fires = jdbc.list("SELECT fire_time FROM background_tasks_schedule_fire WHERE schedule_id = ? "
                    + "ORDER BY fire_time", row -> row.getTimestamp(1).toInstant(), schedule);
            assertTrue(fires.size() >= 55, "only " + fires.size() + " fires in 60 s");
            long seconds = Duration.between(fires.getFirst(), fires.getLast()).toSeconds();
            assertEquals(seconds + 1, fires.size(), "one fire per second, none missing, none twice: " + fires);
            totalFires += fires.size();
        }
        assertEquals(totalFires, jdbc.count("SELECT sum(total_runs) FROM background_tasks_schedule WHERE name LIKE 'race-%'"));
        // The built-in schedules fire too (the sweep, every minute): every fire of every schedule counts below.
        long allFires = jdbc.count("SELECT count(*) FROM background_tasks_schedule_fire");
        assertEquals(0, jdbc.count("SELECT count(*) FROM background_tasks_schedule_fire WHERE execution_id IS NULL"));
        assertEquals(allFires, jdbc.count("SELECT count(DISTINCT execution_id) FROM background_tasks_schedule_fire"));
        assertEquals(allFires, fixture.executionsInRedis(), "each fire dispatched exactly one execution");
    }

    @Test
    void theLambdaHandlerReadsTheContainersEnvironmentNotDatasourcesDefaultVariables() {
        Map<String, Object> properties = BeatMain.functionProperties(Map.of("REDIS_URI", "redis://r:6379",
                "CHARD_JDBC_URL", "jdbc:postgresql://db:5432/chard", "CHARD_JDBC_USER", "chard",
                "CHARD_JDBC_PASSWORD", "secret"));
        assertEquals("jdbc:postgresql://db:5432/chard", properties.get(ChardSettings.JDBC_URL));
        assertEquals("chard", properties.get(ChardSettings.JDBC_USER));
        assertEquals("secret", properties.get(ChardSettings.JDBC_PASSWORD));
        assertEquals("redis://r:6379", properties.get(ChardSettings.REDIS_URI));
        assertEquals(false, properties.get(ChardSettings.BEAT_ENABLED), "the handler ticks; no loop of its own");
        assertEquals(0, properties.get("datasources.default.minimum-idle"), "no idle connection into a snapshot");
        assertEquals(-1, properties.get("datasources.default.initialization-fail-timeout"), "none opened at start");
    }

    @Test
    void theLambdaHandlerDrainsTheMaintenanceQueueAfterItsTickAndWritesItsEmbeddedMetricLines() throws Exception {
        try (ApplicationContext handlerContext = handlerContext()) {
            UUID sweep = handlerContext.getBean(io.chard.client.TaskClient.class)
                    .dispatch("background_tasks.sweep_stuck_tasks").id();
            PrintStream stdout = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            String line;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                line = new BeatHandler(handlerContext).handleRequest(new ScheduledEvent(),
                        new DeadlineContext(Duration.ofSeconds(30)));
            } finally {
                System.setOut(stdout);
            }
            assertTrue(line.contains("maintenance ran 1 (1 succeeded"), line);
            // The invocation's CloudWatch embedded-metric line, on standard output as Lambda collects it.
            List<String> emf = captured.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("{\"_aws\"")).toList();
            // The counts, then one line of waits for the one task it ran.
            assertEquals(2, emf.size(), captured.toString(StandardCharsets.UTF_8));
            assertTrue(emf.get(1).contains("\"TaskWait\":["), emf.get(1));
            Map<?, ?> metrics = handlerContext.getBean(JsonMapper.class).readValue(emf.getFirst(), Map.class);
            assertEquals("local", metrics.get("Function"), "the Lambda context's function name");
            assertEquals(1, ((Number) metrics.get("TasksRun")).intValue(), emf.getFirst());
            assertEquals(1, ((Number) metrics.get("TasksSucceeded")).intValue(), emf.getFirst());
            assertTrue(emf.getFirst().contains("\"Namespace\":\"Chard\""), emf.getFirst());
            assertEquals(io.chard.broker.ExecutionStatus.SUCCESS,
                    handlerContext.getBean(io.chard.broker.Broker.class).snapshot(sweep).orElseThrow().status());
        }
    }

    @Test
    void beforeACheckpointTheBeatFunctionClosesItsPostgresConnectionsAndAfterTheRestoreItStillTicks() throws Exception {
        try (ApplicationContext handlerContext = handlerContext()) {
            BeatHandler handler = new BeatHandler(handlerContext);
            handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
            HikariPoolMXBean pool = handlerContext.getBean(DataSource.class).unwrap(HikariDataSource.class)
                    .getHikariPoolMXBean();
            assertTrue(pool.getTotalConnections() > 0, "the tick used the database");

            handler.beforeCheckpoint(null);
            io.chard.testing.Await.until("no PostgreSQL connection left for the snapshot", Duration.ofSeconds(10),
                    () -> pool.getTotalConnections() == 0);

            handler.afterRestore(null);
            String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
            assertTrue(line.startsWith("beat: "), line);
            assertTrue(pool.getTotalConnections() > 0, "the restored copy opened its connections again");
        }
    }

    /** A function instance's context: the fixture's Redis and PostgreSQL, draining the maintenance queue. */
    private ApplicationContext handlerContext() {
        Map<String, Object> properties = new HashMap<>(fixture.properties);
        properties.put(ChardSettings.WORKER_QUEUES, io.chard.beat.MaintenanceTasks.QUEUE);
        properties.put("datasources.default.minimum-idle", BeatMain.functionProperties(Map.of("CHARD_JDBC_URL", "x"))
                .get("datasources.default.minimum-idle"));
        properties.remove("flyway.datasources.default.enabled");
        return ApplicationContext.run(properties);
    }

    @Test
    void theLambdaHandlerFiresEverythingDueBeforeItsNextInvocationWithTheirDueTimesAsEta() throws Exception {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        UUID schedule = store.create(BeatFixture.definition("every-10-s", new ScheduleSpec.Interval(Duration.ofSeconds(10)),
                MisfirePolicy.FIRE_ONCE, null), "api", Instant.EPOCH).id();
        Instant invokedAt = Instant.now();
        Instant returnedAt;
        try (ApplicationContext handlerContext = handlerContext()) {
            new BeatHandler(handlerContext).handleRequest(new ScheduledEvent(),
                    new DeadlineContext(Duration.ofSeconds(30)));
            returnedAt = Instant.now();
        }
        // The next invocation comes a minute later, at whatever second of the minute this one came: nothing due
        // before it may wait for it.
        List<Instant> fires = fixture.fires(schedule);
        assertTrue(!fires.isEmpty() && !fires.getLast().isBefore(invokedAt.plus(Duration.ofSeconds(50))),
                "fired through the next invocation's time: " + fires);
        // The handler ticked at its own clock, between the two readings (its context's start, seconds on a loaded
        // machine, lies before it): bounded by invokedAt + 1 s, a 10 s boundary in that start failed the test.
        assertTrue(!fires.getLast().isAfter(returnedAt.plus(BeatHandler.LOOKAHEAD)), fires.toString());
        for (int i = 1; i < fires.size(); i++) {
            assertEquals(Duration.ofSeconds(10), Duration.between(fires.get(i - 1), fires.get(i)));
        }
        long delayed = fixture.redis().zcard(fixture.keys().queue("default", "delayed"));
        assertTrue(delayed >= fires.size() - 1, "future fires wait in the broker's delayed set: " + delayed);
    }
}
