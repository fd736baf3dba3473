package io.chard.beat.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.beat.Beat;
import io.chard.beat.MaintenanceTasks;
import io.chard.beat.ScheduleStore;
import io.chard.beat.StoredSchedule;
import io.chard.broker.RedisKeys;
import io.chard.config.ChardConfig;
import io.chard.history.HistorySettings;
import io.chard.history.Jdbc;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.ScheduleSpec;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beat against a real PostgreSQL and Redis: exactly-once firing under races, misfires, repair, Lambda ticks. */
class BeatTest {
    ApplicationContext context;
    Map<String, Object> properties;

    @BeforeEach
    void start() {
        properties = new HashMap<>(TestRedis.properties());
        properties.putAll(TestPostgres.properties());
        context = ApplicationContext.run(properties);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void threeBeatsRacingFireEveryOneSecondScheduleExactlyOncePerSecond() throws Exception {
        ScheduleStore store = context.getBean(ScheduleStore.class);
        List<UUID> schedules = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            schedules.add(store.create(definition("race-" + i, new ScheduleSpec.Interval(Duration.ofSeconds(1)),
                    MisfirePolicy.FIRE_ONCE, null), "api", null).id());
        }
        Map<String, Object> beatProperties = new HashMap<>(properties);
        beatProperties.put("chard.beat.enabled", true);
        beatProperties.remove("flyway.datasources.default.enabled");
        List<ApplicationContext> beats = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            beats.add(ApplicationContext.run(beatProperties));
        }
        Thread.sleep(Duration.ofSeconds(60));
        beats.forEach(ApplicationContext::close);

        Jdbc jdbc = context.getBean(Jdbc.class);
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
        assertEquals(allFires, executionsInRedis(), "each fire dispatched exactly one execution");
    }

    @Test
    void aBeatStoppedForFiveMinutesFollowsEachMisfirePolicyOnRestart() {
        ScheduleStore store = context.getBean(ScheduleStore.class);
        Beat beat = context.getBean(Beat.class);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        Map<MisfirePolicy, UUID> byPolicy = new HashMap<>();
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            byPolicy.put(policy, store.create(definition("every-2-min-" + policy, new ScheduleSpec.Cron("*/2 * * * *"),
                    policy, t0), "api", null).id());
        }
        assertEquals(3, beat.tick(t0, Duration.ZERO), "each fires its first due time on time");
        beat.tick(t0.plus(Duration.ofMinutes(5)).plusSeconds(30), Duration.ZERO);

        assertEquals(List.of(t0, t0.plusSeconds(240)), fires(byPolicy.get(MisfirePolicy.FIRE_ONCE)));
        assertEquals(List.of(t0), fires(byPolicy.get(MisfirePolicy.SKIP)));
        assertEquals(List.of(t0, t0.plusSeconds(120), t0.plusSeconds(240)), fires(byPolicy.get(MisfirePolicy.FIRE_ALL)));
        assertEquals(t0.plusSeconds(360), store.find(byPolicy.get(MisfirePolicy.SKIP)).orElseThrow().nextRunAt());
    }

    @Test
    void aClaimWhoseDispatchNeverHappenedIsDispatchedByTheNextTick() {
        ScheduleStore store = context.getBean(ScheduleStore.class);
        Instant fireTime = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        UUID schedule = store.create(definition("crashed", new ScheduleSpec.Interval(Duration.ofHours(1)),
                MisfirePolicy.FIRE_ONCE, null), "api", Instant.now().plus(Duration.ofHours(1))).id();
        assertTrue(store.claim(schedule, fireTime), "claimed, then the claimer 'crashed' before dispatching");
        context.getBean(Jdbc.class).update("UPDATE background_tasks_schedule_fire SET claimed_at = now() - interval '1 minute'");

        context.getBean(Beat.class).tick(Instant.now(), Duration.ZERO);
        assertEquals(1, context.getBean(Jdbc.class).count(
                "SELECT count(*) FROM background_tasks_schedule_fire WHERE execution_id IS NOT NULL"));
        assertEquals(1, executionsInRedis());
    }

    @Test
    void theLambdaHandlerFiresSubMinuteIntervalsDueInItsMinuteWithTheirDueTimesAsEta() throws Exception {
        ScheduleStore store = context.getBean(ScheduleStore.class);
        UUID schedule = store.create(definition("every-10-s", new ScheduleSpec.Interval(Duration.ofSeconds(10)),
                MisfirePolicy.FIRE_ONCE, null), "api", null).id();
        Instant invokedAt = Instant.now();
        new BeatHandler(context).execute(new ScheduledEvent());
        Instant endOfMinute = invokedAt.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        List<Instant> fires = fires(schedule);
        assertTrue(!fires.isEmpty() && !fires.getLast().isAfter(endOfMinute.plusSeconds(1)), fires.toString());
        for (int i = 1; i < fires.size(); i++) {
            assertEquals(Duration.ofSeconds(10), Duration.between(fires.get(i - 1), fires.get(i)));
        }
        long delayed = redis().zcard(keys().queue("default", "delayed"));
        assertTrue(delayed >= fires.size() - 1, "future fires wait in the broker's delayed set: " + delayed);
    }

    @Test
    void theSweepMarksRunningRowsWithStaleHeartbeatsStuckAndThePurgeDeletesOldEndedRows() {
        Jdbc jdbc = context.getBean(Jdbc.class);
        UUID stale = insertExecution(jdbc, "running", Instant.now().minus(Duration.ofMinutes(10)));
        UUID fresh = insertExecution(jdbc, "running", Instant.now());
        UUID old = insertExecution(jdbc, "success", Instant.now().minus(Duration.ofDays(30)));
        UUID recent = insertExecution(jdbc, "success", Instant.now().minus(Duration.ofDays(1)));
        MaintenanceTasks maintenance = context.getBean(MaintenanceTasks.class);
        assertEquals(1, maintenance.sweepStuckTasks());
        assertEquals("stuck", status(jdbc, stale));
        assertEquals("running", status(jdbc, fresh));
        assertEquals(1, maintenance.purgeOldExecutions());
        assertEquals(0, jdbc.count("SELECT count(*) FROM background_tasks_task_execution WHERE id = ?", old));
        assertEquals("success", status(jdbc, recent));
    }

    private UUID insertExecution(Jdbc jdbc, String status, Instant at) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO background_tasks_task_execution (id, task_id, task_name, status, queued_at, started_at, "
                        + "heartbeat_at, finished_at) VALUES (?, ?, 'test.add', ?, ?, ?, ?, ?)", id, id.toString(), status,
                Timestamp.from(at), Timestamp.from(at), Timestamp.from(at),
                status.equals("running") ? null : Timestamp.from(at));
        return id;
    }

    private static String status(Jdbc jdbc, UUID id) {
        return jdbc.one("SELECT status FROM background_tasks_task_execution WHERE id = ?", row -> row.getString(1), id)
                .orElseThrow();
    }

    private List<Instant> fires(UUID schedule) {
        return context.getBean(Jdbc.class).list("SELECT fire_time FROM background_tasks_schedule_fire "
                + "WHERE schedule_id = ? ORDER BY fire_time", row -> row.getTimestamp(1).toInstant(), schedule);
    }

    private long executionsInRedis() {
        return redis().keys(keys().prefix() + "t:*").size();
    }

    @SuppressWarnings("unchecked")
    private io.lettuce.core.api.sync.RedisCommands<String, String> redis() {
        return ((StatefulRedisConnection<String, String>) context.getBean(StatefulRedisConnection.class)).sync();
    }

    private RedisKeys keys() {
        return RedisKeys.of(context.getBean(ChardConfig.class).namespace());
    }

    private static StoredSchedule.Definition definition(String name, ScheduleSpec spec, MisfirePolicy policy,
                                                        Instant start) {
        return new StoredSchedule.Definition(name, "test.add", spec, ZoneOffset.UTC, start, null, true, "[1, 2]", null,
                null, null, policy, Duration.ofHours(1));
    }
}
