package io.chard.beat;

import io.chard.beat.testing.BeatFixture;
import io.chard.broker.RedisKeys;
import io.chard.client.TaskClient;
import io.chard.database.Jdbc;
import io.chard.history.HistoryPartitions;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.ScheduleDeclaration;
import io.chard.schedule.ScheduleSource;
import io.chard.schedule.ScheduleSpec;
import io.chard.settings.Settings;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Beat's tick, store and maintenance tasks against a real PostgreSQL and Redis: misfires, repair, sweep, purge,
 * the history's partitions.
 */
class BeatTest {
    final BeatFixture fixture = new BeatFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aBeatStoppedForFiveMinutesFollowsEachMisfirePolicyOnRestart() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Beat beat = fixture.bean(Beat.class);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        Map<MisfirePolicy, UUID> byPolicy = new HashMap<>();
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            byPolicy.put(policy, store.create(BeatFixture.definition("every-2-min-" + policy, new ScheduleSpec.Cron("*/2 * * * *"),
                    policy, t0), "api", Instant.EPOCH).id());
        }
        assertEquals(3, beat.tick(t0, Duration.ZERO), "each fires its first due time on time");
        beat.tick(t0.plus(Duration.ofMinutes(5)).plusSeconds(30), Duration.ZERO);

        assertEquals(List.of(t0, t0.plusSeconds(240)), fixture.fires(byPolicy.get(MisfirePolicy.FIRE_ONCE)));
        assertEquals(List.of(t0), fixture.fires(byPolicy.get(MisfirePolicy.SKIP)));
        assertEquals(List.of(t0, t0.plusSeconds(120), t0.plusSeconds(240)), fixture.fires(byPolicy.get(MisfirePolicy.FIRE_ALL)));
        assertEquals(t0.plusSeconds(360), store.find(byPolicy.get(MisfirePolicy.SKIP)).orElseThrow().nextRunAt());
    }

    /**
     * A code-declared hourly schedule (fire_once, an hour's catch-up); the beat is down over one due time and its
     * boot merges the declarations before the first tick. The architecture says the merge keeps last_run_at "so a beat
     * that was down catches up as its policy says": the missed due time must fire on the first tick after the boot.
     */
    @Test
    void aBeatRestartedAfterMissingADueTimeOfACodeScheduleCatchesItUpOnItsFirstTick() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        ScheduleSource source = () -> List.of(ScheduleDeclaration.of(
                "hourly-report", "test.add", new ScheduleSpec.Cron("0 * * * *")));
        java.util.function.Function<Instant, DeclaredSchedules> bootAt = at -> new DeclaredSchedules(store,
                List.of(source), fixture.bean(Settings.class), fixture.bean(JsonMapper.class),
                Clock.fixed(at, ZoneOffset.UTC));
        Beat beat = fixture.bean(Beat.class);

        bootAt.apply(t0.minus(Duration.ofMinutes(30))).merge();
        beat.tick(t0, Duration.ZERO);
        UUID id = store.findByName("hourly-report").orElseThrow().id();
        assertEquals(List.of(t0), fixture.fires(id));

        // Down from t0 + 30 min to t0 + 75 min: the due time t0 + 60 min was missed. The restart merges, then ticks.
        Instant restart = t0.plus(Duration.ofMinutes(75));
        bootAt.apply(restart).merge();
        beat.tick(restart, Duration.ZERO);
        assertEquals(List.of(t0, t0.plus(Duration.ofHours(1))), fixture.fires(id),
                "next_run_at after the merge is " + store.find(id).orElseThrow().nextRunAt());

        // A deploy that makes it run every ten minutes counts it as run up to the boot, as an edit does: the new
        // definition's due times before it are not caught up.
        ScheduleSource retimed = () -> List.of(ScheduleDeclaration.of(
                "hourly-report", "test.add", new ScheduleSpec.Cron("*/10 * * * *")));
        Instant deploy = t0.plus(Duration.ofMinutes(95));
        new DeclaredSchedules(store, List.of(retimed), fixture.bean(Settings.class),
                fixture.bean(JsonMapper.class), Clock.fixed(deploy, ZoneOffset.UTC)).merge();
        beat.tick(deploy, Duration.ZERO);
        beat.tick(t0.plus(Duration.ofMinutes(100)), Duration.ZERO);
        assertEquals(List.of(t0, t0.plus(Duration.ofHours(1)), t0.plus(Duration.ofMinutes(100))), fixture.fires(id));
    }

    /** New York's clocks: 2027-03-14 02:00 EST becomes 03:00 EDT; 2027-11-07 02:00 EDT becomes 01:00 EST. */
    @Test
    void aDailyCronInNewYorkFiresOnceOnBothDaylightSavingChangesUnderTicksTenSecondsApart() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Beat beat = fixture.bean(Beat.class);
        ZoneId newYork = ZoneId.of("America/New_York");
        UUID spring = store.create(new StoredSchedule.Definition("spring", "test.add",
                new ScheduleSpec.Cron("30 2 * * *"), newYork, null, null, true, "[1, 2]", null, null, null,
                MisfirePolicy.FIRE_ALL, Duration.ofHours(1)),
                "api", Instant.parse("2027-03-14T06:00:00Z")).id();
        UUID autumn = store.create(new StoredSchedule.Definition("autumn", "test.add",
                new ScheduleSpec.Cron("30 1 * * *"), newYork, null, null, true, "[1, 2]", null, null, null,
                MisfirePolicy.FIRE_ALL, Duration.ofHours(1)),
                "api", Instant.parse("2027-11-07T05:00:00Z")).id();
        Jdbc jdbc = fixture.bean(Jdbc.class);
        jdbc.update("UPDATE background_tasks_schedule SET last_run_at = ? WHERE id = ?",
                Timestamp.from(Instant.parse("2027-03-14T06:00:00Z")), spring);
        jdbc.update("UPDATE background_tasks_schedule SET last_run_at = ? WHERE id = ?",
                Timestamp.from(Instant.parse("2027-11-07T05:00:00Z")), autumn);
        for (Instant t = Instant.parse("2027-03-14T06:50:00Z"); t.isBefore(Instant.parse("2027-03-14T07:10:00Z"));
                t = t.plusSeconds(10)) {
            beat.tick(t, Duration.ZERO);
        }
        for (Instant t = Instant.parse("2027-11-07T05:20:00Z"); t.isBefore(Instant.parse("2027-11-07T06:40:00Z"));
                t = t.plusSeconds(10)) {
            beat.tick(t, Duration.ZERO);
        }
        assertEquals(List.of(Instant.parse("2027-03-14T07:00:00Z")), fixture.fires(spring));
        assertEquals(List.of(Instant.parse("2027-11-07T05:30:00Z")), fixture.fires(autumn));
    }

    /** At boot on a fresh database admin-api and beat both merge the declared schedules, at the same moment. */
    @Test
    void twoProcessesMergingTheDeclaredSchedulesAtOnceBothSucceed() throws Exception {
        DeclaredSchedules declared = fixture.bean(DeclaredSchedules.class);
        Jdbc jdbc = fixture.bean(Jdbc.class);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 25; round++) {
                jdbc.update("DELETE FROM background_tasks_schedule");
                var barrier = new java.util.concurrent.CyclicBarrier(2);
                List<java.util.concurrent.Future<?>> merges = new ArrayList<>();
                for (int process = 0; process < 2; process++) {
                    merges.add(pool.submit(() -> {
                        barrier.await();
                        declared.merge();
                        return null;
                    }));
                }
                for (var merge : merges) {
                    merge.get(); // throws if a merge failed
                }
                assertEquals(2, jdbc.count("SELECT count(*) FROM background_tasks_schedule WHERE source = 'builtin'"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimWhoseDispatchNeverHappenedIsDispatchedByTheNextTick() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Instant fireTime = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        UUID schedule = store.create(BeatFixture.definition("crashed", new ScheduleSpec.Interval(Duration.ofHours(1)),
                MisfirePolicy.FIRE_ONCE, null), "api", Instant.now().plus(Duration.ofHours(1))).id();
        assertTrue(store.claim(schedule, fireTime), "claimed, then the claimer 'crashed' before dispatching");
        fixture.bean(Jdbc.class).update("UPDATE background_tasks_schedule_fire SET claimed_at = now() - interval '1 minute'");

        fixture.bean(Beat.class).tick(Instant.now(), Duration.ZERO);
        assertEquals(1, fixture.bean(Jdbc.class).count(
                "SELECT count(*) FROM background_tasks_schedule_fire WHERE execution_id IS NOT NULL"));
        assertEquals(1, fixture.executionsInRedis());
    }

    /** Dispatched, but writing its execution id failed; the repair runs after the broker forgot the key. */
    @Test
    void aFireDispatchedWhoseBookkeepingFailedIsNotDispatchedAgainAfterTheIdempotencyWindow() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Jdbc jdbc = fixture.bean(Jdbc.class);
        Instant fireTime = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        UUID schedule = store.create(BeatFixture.definition("bookkeeping", new ScheduleSpec.Interval(Duration.ofHours(1)),
                MisfirePolicy.FIRE_ALL, null), "api", Instant.now().plus(Duration.ofHours(1))).id();
        assertTrue(store.claim(schedule, fireTime));
        var first = fixture.bean(TaskClient.class).dispatch(io.chard.client.DispatchRequest
                .of("test.add", fixture.bean(TaskClient.class).toJson(List.of(1, 2)))
                .withEta(fireTime).withIdempotencyKey(Beat.idempotencyKey(schedule, fireTime)));
        // The recorder wrote the history; the broker's idempotency window then passed.
        jdbc.update("INSERT INTO background_tasks_task_execution (id, task_id, task_name, status, idempotency_key, "
                + "queued_at) VALUES (?, ?, 'test.add', 'success', ?, now())", first.id(), first.id().toString(),
                Beat.idempotencyKey(schedule, fireTime));
        List<String> idempotencyKeys = fixture.redis().keys("*idem:*" + schedule + "*");
        assertEquals(1, idempotencyKeys.size());
        fixture.redis().del(idempotencyKeys.toArray(String[]::new));
        jdbc.update("UPDATE background_tasks_schedule_fire SET claimed_at = now() - interval '1 minute'");

        fixture.bean(Beat.class).tick(Instant.now(), Duration.ZERO);
        assertEquals(1, fixture.executionsInRedis(), "the fire was not dispatched a second time");
        assertEquals(first.id(), jdbc.one("SELECT execution_id FROM background_tasks_schedule_fire WHERE schedule_id = ?",
                row -> row.getObject(1, UUID.class), schedule).orElseThrow());
    }

    @Test
    void aScheduleWhoseDispatchKeepsFailingIsPutInErrorAndSkippedUntilEnabledAgain() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Beat beat = fixture.bean(Beat.class);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        StoredSchedule.Definition removed = new StoredSchedule.Definition("removed-task", "test.removed",
                new ScheduleSpec.Interval(Duration.ofMinutes(1)), ZoneOffset.UTC, t0, null, true, "[1, 2]", null, null,
                null, MisfirePolicy.FIRE_ALL, Duration.ofHours(1));
        UUID broken = store.create(removed, "api", Instant.EPOCH).id();
        for (int minute = 0; minute < 6; minute++) {
            beat.tick(t0.plus(Duration.ofMinutes(minute)), Duration.ZERO);
        }
        assertEquals(ScheduleStore.MAX_ERRORS, fixture.fires(broken).size(),
                "no more claims once in error: " + fixture.fires(broken));
        assertTrue(store.error(broken).orElseThrow().contains("test.removed"), store.error(broken).toString());
        assertEquals(List.of(), store.undispatched(t0.plus(Duration.ofHours(1))),
                "its orphaned claims are out of the way of the other schedules' repair");

        store.setEnabled(broken, true, t0.plus(Duration.ofMinutes(6)));
        assertTrue(store.error(broken).isEmpty(), "enabling it again clears the error");
        assertFalse(store.undispatched(t0.plus(Duration.ofHours(1))).isEmpty(), "its claims are repaired again");
        for (int minute = 6; minute < 9; minute++) {
            beat.tick(t0.plus(Duration.ofMinutes(minute)), Duration.ZERO);
        }
        assertTrue(store.error(broken).isPresent(), "in error again");
        store.update(broken, removed, t0.plus(Duration.ofMinutes(9)));
        assertTrue(store.error(broken).isEmpty(), "updating it clears the error");
    }

    /**
     * A fire_all schedule every second, back after half an hour down with a half-hour catch-up window: 1,800 due
     * times. The tick fires the oldest {@link Beat#MAX_FIRES_PER_TICK} and the next tick the rest, in order, each
     * once; an hourly schedule due at the same time fires in the first tick, not after the whole catch-up.
     */
    @Test
    void aFireAllCatchUpIsSpreadOverTicksAndDoesNotHoldBackTheOtherSchedules() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Beat beat = fixture.bean(Beat.class);
        Instant now = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        StoredSchedule.Definition everySecond = new StoredSchedule.Definition("every-second", "test.add",
                new ScheduleSpec.Interval(Duration.ofSeconds(1)), ZoneOffset.UTC, now.minus(Duration.ofHours(2)), null,
                true, "[1, 2]", null, null, null, MisfirePolicy.FIRE_ALL, Duration.ofMinutes(30));
        UUID storm = store.create(everySecond, "api", now.minus(Duration.ofHours(1))).id();
        UUID hourly = store.create(BeatFixture.definition("hourly", new ScheduleSpec.Interval(Duration.ofHours(1)),
                MisfirePolicy.FIRE_ONCE, now.minus(Duration.ofHours(2))), "api", now.minus(Duration.ofMinutes(1))).id();

        assertEquals(Beat.MAX_FIRES_PER_TICK + 1, beat.tick(now, Duration.ZERO));
        assertEquals(List.of(now), fixture.fires(hourly), "the hourly schedule fired in the first tick");
        List<Instant> first = fixture.fires(storm);
        assertEquals(Beat.MAX_FIRES_PER_TICK, first.size());
        assertEquals(now.minus(Duration.ofMinutes(30)).plusSeconds(1), first.getFirst(), "the oldest due times first");

        assertEquals(1_800 - Beat.MAX_FIRES_PER_TICK, beat.tick(now.plusMillis(500), Duration.ZERO));
        List<Instant> all = fixture.fires(storm);
        assertEquals(1_800, all.size());
        assertEquals(now, all.getLast());
        assertEquals(1_800 + 1, fixture.executionsInRedis(), "each due time dispatched once");
        assertEquals(0, beat.tick(now.plusMillis(900), Duration.ZERO), "nothing left to catch up");
    }

    /**
     * PostgreSQL fails the fire's bookkeeping (a failover in the middle of a tick, a full disk): that is an outage,
     * like Redis being down, and no fault of the schedule's. Counted as the schedule's failure, three such ticks put
     * a sound schedule in error, skipped until an operator enabled it again.
     */
    @Test
    void aDatabaseErrorWhileFiringIsAnOutageAndDoesNotPutTheScheduleInError() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Jdbc jdbc = fixture.bean(Jdbc.class);
        Beat beat = fixture.bean(Beat.class);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        UUID schedule = store.create(BeatFixture.definition("sound", new ScheduleSpec.Interval(Duration.ofMinutes(1)),
                MisfirePolicy.FIRE_ALL, t0), "api", Instant.EPOCH).id();
        jdbc.update("CREATE FUNCTION refuse_fire_bookkeeping() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$");
        jdbc.update("CREATE TRIGGER refuse_fire_bookkeeping BEFORE UPDATE ON background_tasks_schedule_fire "
                + "FOR EACH ROW EXECUTE FUNCTION refuse_fire_bookkeeping()");
        for (int minute = 0; minute < 5; minute++) {
            Instant now = t0.plus(Duration.ofMinutes(minute));
            assertThrows(Jdbc.DatabaseException.class, () -> beat.tick(now, Duration.ZERO),
                    "the tick ends as in any outage: the beat's loop backs off and ticks again");
        }
        assertEquals(Optional.empty(), store.error(schedule), "the schedule is not in error");

        jdbc.update("DROP TRIGGER refuse_fire_bookkeeping ON background_tasks_schedule_fire");
        beat.tick(t0.plus(Duration.ofMinutes(5)), Duration.ZERO);
        assertEquals(0, jdbc.count("SELECT count(*) FROM background_tasks_schedule_fire WHERE execution_id IS NULL"),
                "every claim of the outage was dispatched or recorded");
        assertEquals(6, fixture.executionsInRedis(), "once per due time: the repair found the earlier dispatches");
    }

    /** The tick claimed in PostgreSQL while Redis was down; the repair after Redis returned follows the policy. */
    @Test
    void claimsMadeWhileRedisWasDownAreRepairedByTheMisfirePolicy() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Jdbc jdbc = fixture.bean(Jdbc.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<Instant> claimed = List.of(now.minusSeconds(360), now.minusSeconds(240), now.minusSeconds(120));
        Map<MisfirePolicy, UUID> byPolicy = new HashMap<>();
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            UUID id = store.create(BeatFixture.definition("outage-" + policy, new ScheduleSpec.Interval(
                    Duration.ofMinutes(2)), policy, null), "api", Instant.now().plus(Duration.ofHours(1))).id();
            byPolicy.put(policy, id);
            claimed.forEach(fireTime -> assertTrue(store.claim(id, fireTime)));
        }
        jdbc.update("UPDATE background_tasks_schedule_fire SET claimed_at = now() - interval '5 minutes'");

        fixture.bean(Beat.class).tick(Instant.now(), Duration.ZERO);
        assertEquals(List.of(), dispatchedFires(jdbc, byPolicy.get(MisfirePolicy.SKIP)));
        assertEquals(List.of(now.minusSeconds(120)), dispatchedFires(jdbc, byPolicy.get(MisfirePolicy.FIRE_ONCE)));
        assertEquals(claimed, dispatchedFires(jdbc, byPolicy.get(MisfirePolicy.FIRE_ALL)));
        assertEquals(4, fixture.executionsInRedis());

        fixture.bean(Beat.class).tick(Instant.now(), Duration.ZERO);
        assertEquals(4, fixture.executionsInRedis(), "the dropped claims stay dropped");
    }

    /**
     * The Lambda handler ticks once a minute with a 90 s lookahead. One invocation comes 70 s after the previous one
     * (EventBridge late, or one invocation lost): the due times between the previous horizon and this one are at most
     * a few seconds late, some even still ahead, and must all fire. The grace was counted back from the horizon
     * (now + 90 s), not from now, so those before now + 30 s were taken for misfires and dropped.
     */
    @Test
    void aLookaheadTickLateByTenSecondsFiresEveryDueTimeItsPredecessorDidNotReach() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Beat beat = fixture.bean(Beat.class);
        Duration lookahead = Duration.ofSeconds(90);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        UUID every5s = store.create(BeatFixture.definition("every-5-s",
                new ScheduleSpec.Interval(Duration.ofSeconds(5)), MisfirePolicy.FIRE_ONCE, t0.minusSeconds(3600)),
                "api", Instant.EPOCH).id();
        beat.tick(t0, lookahead);
        Instant previousHorizon = t0.plus(lookahead);
        Instant now = t0.plusSeconds(70);
        beat.tick(now, lookahead);

        List<Instant> expected = new ArrayList<>();
        for (Instant t = previousHorizon.plusSeconds(5); !t.isAfter(now.plus(lookahead)); t = t.plusSeconds(5)) {
            expected.add(t);
        }
        List<Instant> fired = fixture.fires(every5s).stream().filter(t -> t.isAfter(previousHorizon)).toList();
        assertEquals(expected, fired, "every 5 s between the previous horizon and this one; now is " + now);
    }

    /** The same with the policy skip: a one-off due 10 s after a Lambda tick never fires. */
    @Test
    void aOneOffDueTenSecondsAfterALookaheadTickFiresUnderTheSkipPolicy() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant at = now.plusSeconds(10);
        UUID once = store.create(BeatFixture.definition("one-off-skip", new ScheduleSpec.OneOff(at),
                MisfirePolicy.SKIP, null), "api", at).id();
        fixture.bean(Beat.class).tick(now, Duration.ofSeconds(90));
        assertEquals(List.of(at), fixture.fires(once), "due in 10 s, within the tick's lookahead");
    }

    /** A one-off that fired has no further due time: later ticks neither read it nor write its row. */
    @Test
    void aOneOffThatFiredIsNoLongerReadByTheTicks() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Beat beat = fixture.bean(Beat.class);
        Instant at = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        UUID once = store.create(BeatFixture.definition("one-off-done", new ScheduleSpec.OneOff(at),
                MisfirePolicy.FIRE_ONCE, null), "api", at).id();
        beat.tick(at, Duration.ZERO);
        assertEquals(List.of(at), fixture.fires(once));
        assertEquals(null, store.find(once).orElseThrow().nextRunAt());
        assertTrue(store.due(at.plus(Duration.ofDays(365))).stream().noneMatch(s -> s.id().equals(once)),
                "a finished one-off is read by every tick");
    }

    /**
     * An operator edits a schedule while a tick fires it: the tick read the old definition, and its bookkeeping
     * writes the old definition's next due time over the one the edit computed. Here a daily schedule becomes an
     * every-minute one while its midnight fire is dispatched; the next minute's tick must fire it.
     */
    @Test
    void anEditDuringATicksDispatchKeepsTheNextDueTimeOfTheNewDefinition() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS);
        StoredSchedule.Definition daily = BeatFixture.definition("edited-while-firing",
                new ScheduleSpec.Cron("0 0 * * *"), MisfirePolicy.FIRE_ONCE, t0.minusSeconds(60));
        UUID id = store.create(daily, "api", t0).id();
        StoredSchedule.Definition everyMinute = new StoredSchedule.Definition(daily.name(), daily.taskName(),
                new ScheduleSpec.Cron("* * * * *"), daily.zone(), daily.startAt(), null, true, daily.args(), null, null,
                null, MisfirePolicy.FIRE_ONCE, Duration.ofHours(1));
        AtomicBoolean edited = new AtomicBoolean();
        // The operator's PUT lands while the tick dispatches (as Schedules.update does it, with now = t0).
        FireObserver operator = (name, lateness) -> {
            if (edited.compareAndSet(false, true)) {
                store.update(id, everyMinute, everyMinute.nextAfter(t0));
            }
        };
        Beat beat = new Beat(store, fixture.bean(TaskClient.class),
                fixture.bean(JsonMapper.class), Clock.systemUTC(), List.of(operator));
        assertEquals(1, beat.tick(t0, Duration.ZERO));
        assertTrue(edited.get());

        beat.tick(t0.plusSeconds(60), Duration.ZERO);
        beat.tick(t0.plusSeconds(120), Duration.ZERO);
        assertEquals(List.of(t0, t0.plusSeconds(60), t0.plusSeconds(120)), fixture.fires(id),
                "next_run_at is " + store.find(id).orElseThrow().nextRunAt());
    }

    /**
     * A Lambda tick (lookahead 90 s) claims a one-off due in 60 s; while it dispatches, the operator retimes the
     * schedule to every 10 s (as Schedules.update does: retimed, run up to now). The new definition's due times after
     * the edit must fire; the tick's advance must not move last_run_at past them to the old definition's fire time.
     */
    @Test
    void aRetimeDuringALookaheadTicksDispatchFiresTheNewDefinitionsDueTimesBeforeTheOldFireTime() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant at = now.plusSeconds(60);
        StoredSchedule.Definition oneOff = BeatFixture.definition("retimed-while-looking-ahead",
                new ScheduleSpec.OneOff(at), MisfirePolicy.FIRE_ALL, null);
        UUID id = store.create(oneOff, "api", at).id();
        StoredSchedule.Definition every10s = new StoredSchedule.Definition(oneOff.name(), oneOff.taskName(),
                new ScheduleSpec.Interval(Duration.ofSeconds(10)), oneOff.zone(), null, null, true, oneOff.args(),
                null, null, null, MisfirePolicy.FIRE_ALL, Duration.ofHours(1));
        AtomicBoolean edited = new AtomicBoolean();
        FireObserver operator = (name, lateness) -> {
            if (edited.compareAndSet(false, true)) {
                store.update(id, every10s, every10s.nextAfter(Instant.now()), true);
            }
        };
        Beat beat = new Beat(store, fixture.bean(TaskClient.class), fixture.bean(JsonMapper.class),
                Clock.systemUTC(), List.of(operator));
        assertEquals(1, beat.tick(now, Duration.ofSeconds(90)));
        assertTrue(edited.get());

        Instant next = now.plusSeconds(60); // the next Lambda invocation
        beat.tick(next, Duration.ofSeconds(90));
        List<Instant> fired = fixture.fires(id);
        Instant firstOfNew = every10s.nextAfter(now.plusSeconds(1));
        assertTrue(fired.contains(firstOfNew), "the every-10-s time " + firstOfNew + " after the edit fired: " + fired
                + ", last_run_at " + store.find(id).orElseThrow().lastRunAt());
    }

    /**
     * The same retime as above, landing a few seconds after the Lambda tick finished rather than during its dispatch.
     * The tick set last_run_at to the one-off's time, 60 s ahead; the edit counts the schedule as run up to now, but
     * with GREATEST(last_run_at, now()) it keeps the old definition's future fire time, and the next invocation skips
     * every due time of the new definition before it (next_run_at, as the API shows it, is one of them).
     */
    @Test
    void aRetimeShortlyAfterALookaheadTickFiresTheNewDefinitionsDueTimesBeforeTheOldFireTime() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Beat beat = fixture.bean(Beat.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant at = now.plusSeconds(60);
        StoredSchedule.Definition oneOff = BeatFixture.definition("retimed-after-looking-ahead",
                new ScheduleSpec.OneOff(at), MisfirePolicy.FIRE_ALL, null);
        UUID id = store.create(oneOff, "api", at).id();
        assertEquals(1, beat.tick(now, Duration.ofSeconds(90)));

        // The operator's PUT, after the tick (as Schedules.update does it: retimed, next due time after now).
        StoredSchedule.Definition every10s = new StoredSchedule.Definition(oneOff.name(), oneOff.taskName(),
                new ScheduleSpec.Interval(Duration.ofSeconds(10)), oneOff.zone(), null, null, true, oneOff.args(),
                null, null, null, MisfirePolicy.FIRE_ALL, Duration.ofHours(1));
        Instant edit = Instant.now();
        Instant shownNext = store.update(id, every10s, every10s.nextAfter(edit), true).orElseThrow().nextRunAt();

        beat.tick(now.plusSeconds(60), Duration.ofSeconds(90)); // the next Lambda invocation
        List<Instant> fired = fixture.fires(id);
        assertTrue(fired.contains(shownNext), "the every-10-s time " + shownNext + " (next_run_at after the edit) "
                + "fired: " + fired + ", last_run_at " + store.find(id).orElseThrow().lastRunAt());
    }

    /**
     * A Lambda tick reads a schedule every two hours, due in 30 s; while it dispatches, the operator makes it hourly,
     * whose next due time is the same instant. The tick's advance compares next_run_at with what it read, finds it
     * equal, and writes the old definition's next due time (two hours on) over the new one's (one hour on): the
     * hourly fire in between is not read in time and, under skip, never fires.
     */
    @Test
    void aRetimeDuringALookaheadTickThatKeepsTheNextDueTimeKeepsTheNewDefinitionsFollowingOne() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Instant t0 = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS);
        StoredSchedule.Definition everyTwoHours = BeatFixture.definition("two-hourly-then-hourly",
                new ScheduleSpec.Cron("0 */2 * * *"), MisfirePolicy.SKIP, null);
        UUID id = store.create(everyTwoHours, "api", t0).id();
        StoredSchedule.Definition hourly = new StoredSchedule.Definition(everyTwoHours.name(),
                everyTwoHours.taskName(), new ScheduleSpec.Cron("0 * * * *"), everyTwoHours.zone(), null, null, true,
                everyTwoHours.args(), null, null, null, MisfirePolicy.SKIP, Duration.ofHours(1));
        Instant tickAt = t0.minusSeconds(30);
        AtomicBoolean edited = new AtomicBoolean();
        FireObserver operator = (name, lateness) -> {
            if (edited.compareAndSet(false, true)) {
                store.update(id, hourly, hourly.nextAfter(tickAt), true);
            }
        };
        Beat beat = new Beat(store, fixture.bean(TaskClient.class), fixture.bean(JsonMapper.class),
                Clock.systemUTC(), List.of(operator));
        assertEquals(1, beat.tick(tickAt, Duration.ofSeconds(90)));
        assertTrue(edited.get());

        // Lambda invocations every minute from then on, up to past the second hour.
        for (Instant at = tickAt.plusSeconds(60); at.isBefore(t0.plus(Duration.ofMinutes(121))); at = at.plusSeconds(60)) {
            beat.tick(at, Duration.ofSeconds(90));
        }
        assertEquals(List.of(t0, t0.plus(Duration.ofHours(1)), t0.plus(Duration.ofHours(2))), fixture.fires(id));
    }

    /**
     * Claims made while Redis was down, then the operator disables the schedule (say its task misbehaves). When Redis
     * returns, the repair must not dispatch a disabled schedule's claims.
     */
    @Test
    void theRepairDoesNotDispatchTheClaimsOfADisabledSchedule() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Jdbc jdbc = fixture.bean(Jdbc.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        UUID id = store.create(BeatFixture.definition("disabled-during-outage",
                new ScheduleSpec.Interval(Duration.ofMinutes(2)), MisfirePolicy.FIRE_ALL, null), "api",
                Instant.now().plus(Duration.ofHours(1))).id();
        List.of(now.minusSeconds(360), now.minusSeconds(240), now.minusSeconds(120))
                .forEach(fireTime -> assertTrue(store.claim(id, fireTime)));
        jdbc.update("UPDATE background_tasks_schedule_fire SET claimed_at = now() - interval '5 minutes'");
        store.setEnabled(id, false, null);

        fixture.bean(Beat.class).tick(Instant.now(), Duration.ZERO);
        assertEquals(List.of(), dispatchedFires(jdbc, id), "dispatched for a disabled schedule");
        assertEquals(0, fixture.executionsInRedis());
    }

    private static List<Instant> dispatchedFires(Jdbc jdbc, UUID schedule) {
        return jdbc.list("SELECT fire_time FROM background_tasks_schedule_fire WHERE schedule_id = ? "
                + "AND execution_id IS NOT NULL ORDER BY fire_time", row -> row.getTimestamp(1).toInstant(), schedule);
    }

    @Test
    void theSweepMarksRunningRowsWithStaleHeartbeatsStuckAndThePurgeDeletesOldEndedRowsAndOverviewMinutes() {
        Jdbc jdbc = fixture.bean(Jdbc.class);
        for (Duration age : List.of(Duration.ofDays(30), Duration.ofDays(1))) {
            jdbc.update("INSERT INTO background_tasks_task_minute (minute, task_name, queue, success, run_histogram, "
                    + "wait_histogram) VALUES (date_trunc('minute', now() - ?::interval), 'beat.purged', 'default', 1, "
                    + "'{}', '{}')", age.toDays() + " days");
        }
        UUID stale = insertExecution(jdbc, "running", Instant.now().minus(Duration.ofMinutes(10)));
        UUID fresh = insertExecution(jdbc, "running", Instant.now());
        UUID old = insertExecution(jdbc, "success", Instant.now().minus(Duration.ofDays(30)));
        UUID recent = insertExecution(jdbc, "success", Instant.now().minus(Duration.ofDays(1)));
        MaintenanceTasks maintenance = fixture.bean(MaintenanceTasks.class);
        assertEquals(1, maintenance.sweepStuckTasks());
        assertEquals("stuck", status(jdbc, stale));
        assertEquals("running", status(jdbc, fresh));
        assertEquals(2, maintenance.purgeOldExecutions(), "the old row and the old minute");
        assertEquals(0, jdbc.count("SELECT count(*) FROM background_tasks_task_execution WHERE id = ?", old));
        assertEquals("success", status(jdbc, recent));
        assertEquals(1, jdbc.count("SELECT count(*) FROM background_tasks_task_minute WHERE task_name = 'beat.purged' "
                + "AND minute > now() - interval '2 days'"), "the minutes within the retention stay");
    }

    @Test
    void thePurgeDeletesSettledScheduleFiresPastTheRetentionAndKeepsWhatTheRepairOrTheClaimStillNeeds() {
        ScheduleStore store = fixture.bean(ScheduleStore.class);
        Instant old = Instant.now().minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        Instant recent = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        UUID hourly = store.create(BeatFixture.definition("hourly", new ScheduleSpec.Interval(Duration.ofHours(1)),
                MisfirePolicy.FIRE_ONCE, null), "api", Instant.now().plus(Duration.ofHours(1))).id();
        Instant dispatched = old;
        Instant skipped = old.plusSeconds(3600);
        Instant awaitingRepair = old.plusSeconds(7200);
        for (Instant fire : List.of(dispatched, skipped, awaitingRepair, recent)) {
            assertTrue(store.claim(hourly, fire));
        }
        store.dispatched(hourly, dispatched, UUID.randomUUID());
        store.skip(hourly, skipped, "misfire");
        store.dispatched(hourly, recent, UUID.randomUUID());
        store.advance(store.find(hourly).orElseThrow(), recent, 4, recent.plusSeconds(3600));
        // Claimed and dispatched, then beat died before advancing last_run_at: the claim still guards that time.
        UUID unadvanced = store.create(BeatFixture.definition("unadvanced", new ScheduleSpec.Interval(Duration.ofHours(1)),
                MisfirePolicy.FIRE_ONCE, null), "api", Instant.now().plus(Duration.ofHours(1))).id();
        assertTrue(store.claim(unadvanced, old));
        store.dispatched(unadvanced, old, UUID.randomUUID());

        fixture.bean(MaintenanceTasks.class).purgeOldExecutions();
        assertEquals(List.of(awaitingRepair, recent), fixture.fires(hourly));
        assertEquals(List.of(old), fixture.fires(unadvanced));
    }

    @Test
    void thePurgeForgetsTheRedisQueuesNoWorkEnteredForTheQueueRetention() {
        RedisKeys keys = fixture.keys();
        long eightDaysAgo = Instant.now().minus(Duration.ofDays(8)).toEpochMilli();
        fixture.redis().sadd(keys.queues(), "abandoned", "current");
        fixture.redis().zadd(keys.queuesUsed(), eightDaysAgo, "abandoned");
        fixture.redis().zadd(keys.queuesUsed(), Instant.now().toEpochMilli(), "current");

        fixture.bean(MaintenanceTasks.class).purgeOldExecutions();
        assertEquals(Set.of("current"), fixture.redis().smembers(keys.queues()));
    }

    @Test
    void thePurgeCreatesTheWeekAheadWhenDaysAreMissing() {
        Jdbc jdbc = fixture.bean(Jdbc.class);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        jdbc.update("DROP TABLE " + partition(today.plusDays(3)));
        jdbc.update("DROP TABLE " + partition(today.plusDays(HistoryPartitions.DAYS_AHEAD)));

        fixture.bean(MaintenanceTasks.class).purgeOldExecutions();
        List<LocalDate> days = fixture.bean(HistoryPartitions.class).days();
        for (int ahead = 0; ahead <= HistoryPartitions.DAYS_AHEAD; ahead++) {
            assertTrue(days.contains(today.plusDays(ahead)), "no partition for today + " + ahead + ": " + days);
        }
    }

    @Test
    void thePurgeDropsDaysPastTheRetentionWholeAndLeavesNewerDays() {
        Jdbc jdbc = fixture.bean(Jdbc.class);
        HistoryPartitions partitions = fixture.bean(HistoryPartitions.class);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(30);
        LocalDate recent = today.minusDays(1);
        partitions.create(old);
        partitions.create(recent);
        UUID ended = insertExecution(jdbc, uuid7(old), "success", Instant.now().minus(Duration.ofDays(30)));
        UUID waiting = insertExecution(jdbc, uuid7(old), "pending", Instant.now().minus(Duration.ofDays(30)));
        UUID kept = insertExecution(jdbc, uuid7(recent), "success", Instant.now().minus(Duration.ofDays(1)));

        fixture.bean(MaintenanceTasks.class).purgeOldExecutions();
        assertFalse(partitions.days().contains(old), "the day past the retention is dropped");
        assertTrue(partitions.days().contains(recent));
        assertEquals(0, jdbc.count("SELECT count(*) FROM background_tasks_task_execution WHERE id = ?", ended));
        assertEquals("success", status(jdbc, kept));
        assertEquals("pending", status(jdbc, waiting), "an unfinished row outlives its day, in the default partition");
    }

    private UUID insertExecution(Jdbc jdbc, String status, Instant at) {
        return insertExecution(jdbc, UUID.randomUUID(), status, at);
    }

    /** A UUIDv7 of noon on {@code day}: 48 bits of milliseconds, version 7, random rest. */
    private static UUID uuid7(LocalDate day) {
        long millis = day.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        UUID random = UUID.randomUUID();
        return new UUID(millis << 16 | 0x7000 | random.getMostSignificantBits() & 0xFFF,
                random.getLeastSignificantBits());
    }

    private static String partition(LocalDate day) {
        return "background_tasks_task_execution_p" + day.toString().replace("-", "");
    }

    private UUID insertExecution(Jdbc jdbc, UUID id, String status, Instant at) {
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
}
