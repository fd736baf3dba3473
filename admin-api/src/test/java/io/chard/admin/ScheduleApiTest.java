package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.beat.Beat;
import io.chard.beat.ScheduleStore;
import io.chard.config.ChardSettings;
import io.chard.database.Jdbc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedules API: permissions, validation with position and reason, preview, and the code-declared rules. */
class ScheduleApiTest {
    static final String SCHEDULES = "/api/background_tasks/admin/schedules";
    static AdminApiServer server;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of(ChardSettings.RECORDER_ENABLED, false));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theBuiltInSchedulesAreListedAndCannotBeEditedOrDeleted() {
        Answer list = server.viewer.get(SCHEDULES);
        assertTrue(list.body().contains("background-tasks-sweep-stuck") && list.body().contains("background-tasks-purge-old"),
                list.body());
        String sweep = StreamSupport.stream(list.json().get("items").values().spliterator(), false)
                .filter(item -> item.get("name").getStringValue().equals("background-tasks-sweep-stuck")).findFirst()
                .orElseThrow().get("id").getStringValue();
        assertError(server.operator.put(SCHEDULES + "/" + sweep, body("x", "0 * * * *")), 409, "declared_in_code");
        assertError(server.operator.delete(SCHEDULES + "/" + sweep), 409, "declared_in_code");
        assertEquals(false, server.operator.post(SCHEDULES + "/" + sweep + "/disable", "").json().get("enabled")
                .getBooleanValue());
        assertEquals(true, server.operator.post(SCHEDULES + "/" + sweep + "/enable", "").json().get("enabled")
                .getBooleanValue());
    }

    @Test
    void anOperatorCreatesEditsRunsAndDeletesASchedule() {
        Answer created = server.operator.post(SCHEDULES, body("nightly-report", "30 2 * * *"));
        assertEquals(201, created.status(), created.body());
        assertEquals("api", created.text("source"));
        String id = created.text("id");
        assertTrue(created.text("next_run_at") != null);
        assertError(server.operator.post(SCHEDULES, body("nightly-report", "30 2 * * *")), 409, "name_taken");
        Answer edited = server.operator.put(SCHEDULES + "/" + id, body("nightly-report", "45 3 * * *"));
        assertEquals("45 3 * * *", edited.text("cron"));
        Answer run = server.operator.post(SCHEDULES + "/" + id + "/run", "");
        assertEquals(202, run.status());
        assertEquals(200, server.viewer.get("/api/background_tasks/tasks/" + run.text("id")).status());
        assertEquals(204, server.operator.delete(SCHEDULES + "/" + id).status());
        assertError(server.operator.delete(SCHEDULES + "/" + id), 404, "not_found");
    }

    @Test
    void aViewerReadsButCannotChangeAndAnonymousIsRefused() {
        assertEquals(401, server.anonymous.get(SCHEDULES).status());
        assertEquals(403, server.viewer.post(SCHEDULES, body("nope", "0 * * * *")).status());
        assertEquals(200, server.viewer.post(SCHEDULES + "/preview", "{\"cron\":\"0 * * * *\"}").status());
        assertEquals(404, server.viewer.get(SCHEDULES + "/" + UUID.randomUUID()).status());
    }

    @Test
    void anInvalidExpressionIsRefusedWithItsFieldPositionAndReason() {
        Answer refused = server.operator.post(SCHEDULES, body("bad", "0 24 * * *"));
        assertError(refused, 422, "invalid_schedule");
        assertEquals(2, refused.json().get("field").getIntValue());
        assertEquals(3, refused.json().get("offset").getIntValue());
        assertTrue(refused.text("message").contains("24"), refused.body());
        assertError(server.operator.post(SCHEDULES, body("never", "0 0 30 2 *")), 422, "invalid_schedule");
        assertError(server.operator.post(SCHEDULES, "{\"name\":\"x\",\"task_name\":\"no.task\",\"cron\":\"* * * * *\"}"),
                422, "unknown_task");
        assertError(server.operator.post(SCHEDULES, "{\"name\":\"x\",\"task_name\":\"test.add\",\"cron\":\"* * * * *\","
                + "\"args\":[1]}"), 422, "invalid_arguments");
        assertError(server.operator.post(SCHEDULES, "{\"name\":\"x\",\"task_name\":\"test.add\",\"cron\":\"* * * * *\","
                + "\"args\":[1,2],\"timezone\":\"Mars/Olympus\"}"), 422, "invalid_field");
    }

    @Test
    void previewListsTheNextTimesWithTheZonesOffsetAcrossDaylightSaving() {
        Answer preview = server.viewer.post(SCHEDULES + "/preview", "{\"cron\":\"30 2 * * *\","
                + "\"timezone\":\"America/New_York\",\"after\":\"2026-03-07T12:00:00Z\",\"count\":3}");
        assertEquals(200, preview.status(), preview.body());
        List<String> next = new java.util.ArrayList<>();
        preview.json().get("next").values().forEach(v -> next.add(v.getStringValue()));
        assertEquals(List.of("2026-03-08T03:00-04:00", "2026-03-09T02:30-04:00", "2026-03-10T02:30-04:00"), next);
        Answer interval = server.viewer.post(SCHEDULES + "/preview", "{\"kind\":\"interval\",\"interval_seconds\":90,"
                + "\"after\":\"2026-01-01T00:00:00Z\",\"count\":2}");
        assertTrue(interval.body().contains("[\"2026-01-01T00:01:30Z\",\"2026-01-01T00:03Z\"]"), interval.body());
        assertError(server.viewer.post(SCHEDULES + "/preview", "{\"cron\":\"61 * * * *\"}"), 422, "invalid_schedule");
    }

    /**
     * A schedule disabled for the last 30 minutes is enabled again, once by its switch and once by saving its form
     * (PUT with enabled: true). The switch counts it as run up to now, so the disabled period is not caught up; the
     * edit must not catch it up either (fire_all, catch-up of an hour: it fired 30 times at once).
     */
    @Test
    void enablingADisabledScheduleByEditingItDoesNotCatchUpTheDisabledPeriod() {
        String definition = "\"task_name\":\"test.add\",\"args\":[1,2],\"kind\":\"interval\","
                + "\"interval_seconds\":60,\"misfire_policy\":\"fire_all\",\"catch_up_seconds\":3600";
        String bySwitch = server.operator.post(SCHEDULES, "{\"name\":\"re-enabled-by-switch\"," + definition + "}")
                .text("id");
        String byEdit = server.operator.post(SCHEDULES, "{\"name\":\"re-enabled-by-edit\"," + definition + "}")
                .text("id");
        for (String id : List.of(bySwitch, byEdit)) {
            assertEquals(200, server.operator.post(SCHEDULES + "/" + id + "/disable", "").status());
        }
        // Disabled half an hour ago, right after its last fire.
        Jdbc jdbc = server.context.getBean(Jdbc.class);
        jdbc.update("UPDATE background_tasks_schedule SET created_at = now() - interval '2 hours', "
                + "last_run_at = now() - interval '30 minutes' WHERE name LIKE 're-enabled-by-%'");

        assertEquals(true, server.operator.post(SCHEDULES + "/" + bySwitch + "/enable", "").json().get("enabled")
                .getBooleanValue());
        Answer edited = server.operator.put(SCHEDULES + "/" + byEdit, "{\"name\":\"re-enabled-by-edit\","
                + definition + ",\"enabled\":true}");
        assertEquals(200, edited.status(), edited.body());
        // The first tick that selects them: at their next due time, within the minute.
        server.context.getBean(Beat.class).tick(Instant.now().plusSeconds(61),
                Duration.ZERO);

        long switchFires = fires(jdbc, bySwitch);
        long editFires = fires(jdbc, byEdit);
        assertEquals(switchFires, editFires, "fires right after enabling: by the switch " + switchFires
                + ", by the edit " + editFires);
    }

    /**
     * A daily schedule (fire_all, catch-up of an hour) that last fired 50 minutes ago is edited to run every minute.
     * The new definition's due times before the edit never existed (as a new schedule's before its creation), yet
     * the first tick after the edit fired all 50 of them at once.
     */
    @Test
    void editingAScheduleToRunMoreOftenDoesNotFireTheNewDefinitionsTimesBeforeTheEdit() {
        String common = "\"name\":\"daily-then-every-minute\",\"task_name\":\"test.add\",\"args\":[1,2],"
                + "\"kind\":\"interval\",\"misfire_policy\":\"fire_all\",\"catch_up_seconds\":3600";
        String id = server.operator.post(SCHEDULES, "{" + common + ",\"interval_seconds\":86400}").text("id");
        Jdbc jdbc = server.context.getBean(Jdbc.class);
        jdbc.update("UPDATE background_tasks_schedule SET created_at = now() - interval '2 days', "
                + "last_run_at = now() - interval '50 minutes' WHERE id = ?", UUID.fromString(id));

        Answer edited = server.operator.put(SCHEDULES + "/" + id, "{" + common + ",\"interval_seconds\":60}");
        assertEquals(200, edited.status(), edited.body());
        server.context.getBean(Beat.class).tick(Instant.now().plusSeconds(61),
                Duration.ZERO);
        long fired = fires(jdbc, id);
        assertTrue(fired <= 2, fired + " fires at the first tick after the edit");
    }

    /**
     * The beat was down over a due time, and an operator changes the schedule's arguments meanwhile: the edit keeps
     * the timing, so the missed due time stays due for the next tick's misfire policy, as a restart keeps it. The
     * edit set the next due time after now, and the catch-up was dropped.
     */
    @Test
    void anEditThatKeepsTheTimingKeepsADueTimeTheBeatMissed() {
        String common = "\"name\":\"edited-while-beat-was-down\",\"task_name\":\"test.add\",\"kind\":\"interval\","
                + "\"interval_seconds\":60,\"misfire_policy\":\"fire_once\",\"catch_up_seconds\":3600";
        UUID id = UUID.fromString(server.operator.post(SCHEDULES, "{" + common + ",\"args\":[1,2]}").text("id"));
        server.context.getBean(Jdbc.class).update("UPDATE background_tasks_schedule SET "
                + "last_run_at = now() - interval '5 minutes', next_run_at = now() - interval '4 minutes' WHERE id = ?",
                id);

        Answer edited = server.operator.put(SCHEDULES + "/" + id, "{" + common + ",\"args\":[3,4]}");
        assertEquals(200, edited.status(), edited.body());
        Instant next = server.context.getBean(ScheduleStore.class).find(id).orElseThrow().nextRunAt();
        assertTrue(next.isBefore(Instant.now()), "the missed due time stays due; the edit set " + next);
    }

    /**
     * PostgreSQL refuses the audit row after the run-now dispatched: the answer says it ran. A 503 (as any database
     * error was answered) would have the operator run it again, and a run-now is not idempotent.
     */
    @Test
    void aRunNowWhoseAuditRowIsRefusedIsAnsweredAsRunNotAsAnOutage() {
        String id = server.operator.post(SCHEDULES, body("run-now-audit-refused", "0 4 * * *")).text("id");
        Jdbc jdbc = server.context.getBean(Jdbc.class);
        jdbc.update("CREATE FUNCTION chard_test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$ BEGIN RAISE EXCEPTION 'the audit is refused'; END $$");
        jdbc.update("CREATE TRIGGER chard_test_refuse_audit BEFORE INSERT ON background_tasks_audit "
                + "FOR EACH ROW EXECUTE FUNCTION chard_test_refuse_audit()");
        try {
            Answer run = server.operator.post(SCHEDULES + "/" + id + "/run", "");
            assertEquals(202, run.status(), run.body());
            assertEquals(200, server.viewer.get("/api/background_tasks/tasks/" + run.text("id")).status());
        } finally {
            jdbc.update("DROP TRIGGER chard_test_refuse_audit ON background_tasks_audit");
            jdbc.update("DROP FUNCTION chard_test_refuse_audit()");
        }
    }

    private static long fires(Jdbc jdbc, String schedule) {
        return jdbc.count("SELECT count(*) FROM background_tasks_schedule_fire WHERE schedule_id = ?",
                UUID.fromString(schedule));
    }

    /** A task taking text, scheduled with a NUL character in its argument: bad input, not a database outage. */
    @Test
    void aNulCharacterInAScheduledArgumentIsRefusedAsBadInputNotAnsweredAsADatabaseOutage() {
        assertError(server.operator.post(SCHEDULES, "{\"name\":\"nul-args\",\"task_name\":\"test.greet\","
                + "\"cron\":\"0 * * * *\",\"args\":[\"a\\u0000b\"]}"), 422, "invalid_field");
        assertError(server.operator.post(SCHEDULES, "{\"name\":\"nul-kwargs\",\"task_name\":\"test.greet\","
                + "\"cron\":\"0 * * * *\",\"kwargs\":{\"name\":\"\\u0000\"}}"), 422, "invalid_field");
        Answer text = server.operator.post(SCHEDULES, "{\"name\":\"escaped-backslash\",\"task_name\":\"test.greet\","
                + "\"cron\":\"0 * * * *\",\"args\":[\"a\\\\u0000b\"]}");
        assertEquals(201, text.status(), "a backslash, then u0000 as text: " + text.body());
    }

    /** A valid cron expression longer than the 200 characters its column holds: refused as input, not a 503. */
    @Test
    void aValidCronLongerThanItsColumnIsRefusedAsBadInputNotAnsweredAsADatabaseOutage() {
        String minutes = String.join(",", IntStream.range(0, 60).mapToObj(String::valueOf).toList());
        String hours = String.join(",", IntStream.range(0, 24).mapToObj(String::valueOf).toList());
        String cron = minutes + " " + hours + " * * *";
        assertEquals(200, server.viewer.post(SCHEDULES + "/preview", "{\"cron\":\"" + cron + "\"}").status(),
                "the expression is valid (" + cron.length() + " characters)");
        assertError(server.operator.post(SCHEDULES, body("long-cron", cron)), 422, "invalid_field");
    }

    /**
     * A one-off whose time has passed would be stored and never fire (a schedule counts as run up to its creation):
     * refused as a mistake, on creation and on an edit that retimes it; an edit that leaves its time alone is kept.
     */
    @Test
    void aScheduleThatCouldNeverFireIsRefusedAndAFiredOneOffCanStillBeRenamed() {
        String past = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5).toString();
        String future = Instant.now().plus(Duration.ofDays(1)).toString();
        assertError(server.operator.post(SCHEDULES, oneOff("late-one-off", past)), 422, "never_fires");
        assertError(server.operator.post(SCHEDULES, "{\"name\":\"expired\",\"task_name\":\"test.add\","
                + "\"cron\":\"0 * * * *\",\"args\":[1,2],\"expires_at\":\"" + past + "\"}"), 422, "never_fires");
        Answer created = server.operator.post(SCHEDULES, oneOff("tomorrow-once", future));
        assertEquals(201, created.status(), created.body());
        String id = created.text("id");
        assertError(server.operator.put(SCHEDULES + "/" + id, oneOff("tomorrow-once", past)), 422, "never_fires");
        server.context.getBean(Jdbc.class).update("UPDATE background_tasks_schedule SET run_at = ?::timestamptz "
                + "WHERE id = ?", past, UUID.fromString(id));
        Answer renamed = server.operator.put(SCHEDULES + "/" + id, oneOff("fired-once", past));
        assertEquals(200, renamed.status(), "the time is unchanged: " + renamed.body());
    }

    /**
     * Enabling a disabled schedule by an edit counts it as run up to now, as the enable switch does, so its next run is
     * after now; the edit answers (and stores) the first due time after its last fire half an hour ago instead, a
     * next_run_at in the past that the beat will never fire. Disabling by an edit keeps a next_run_at, which the
     * disable switch clears.
     */
    @Test
    void aScheduleEnabledOrDisabledByAnEditShowsTheNextRunTheSwitchesWould() {
        String definition = "\"name\":\"switched-by-edit\",\"task_name\":\"test.add\",\"args\":[1,2],"
                + "\"kind\":\"interval\",\"interval_seconds\":60,\"misfire_policy\":\"fire_all\"";
        String id = server.operator.post(SCHEDULES, "{" + definition + "}").text("id");
        assertEquals(200, server.operator.post(SCHEDULES + "/" + id + "/disable", "").status());
        server.context.getBean(Jdbc.class).update("UPDATE background_tasks_schedule SET created_at = now() - "
                + "interval '2 hours', last_run_at = now() - interval '30 minutes' WHERE id = ?", UUID.fromString(id));

        Instant before = Instant.now();
        Answer enabled = server.operator.put(SCHEDULES + "/" + id, "{" + definition + ",\"enabled\":true}");
        assertEquals(200, enabled.status(), enabled.body());
        Instant next = Instant.parse(enabled.text("next_run_at"));
        assertTrue(next.isAfter(before), "enabled by the edit at " + before + ", next_run_at " + next
                + ", last_run_at " + enabled.text("last_run_at"));

        Answer disabled = server.operator.put(SCHEDULES + "/" + id, "{" + definition + ",\"enabled\":false}");
        assertEquals(null, disabled.text("next_run_at"), "disabled by the edit");
    }

    /** A negative interval is refused, however large: -(2^64 - 1) seconds was taken (its low 64 bits) as 1 second. */
    @Test
    void aNegativeIntervalBeyondTheLongRangeIsRefusedNotStoredAsOneSecond() {
        Answer created = server.operator.post(SCHEDULES, "{\"name\":\"negative-interval\",\"task_name\":\"test.add\","
                + "\"args\":[1,2],\"kind\":\"interval\",\"interval_seconds\":-18446744073709551615}");
        assertEquals(422, created.status(), created.body());
    }

    private static String oneOff(String name, String runAt) {
        return "{\"name\":\"" + name + "\",\"task_name\":\"test.add\",\"kind\":\"one_off\",\"run_at\":\""
                + runAt + "\",\"args\":[1,2]}";
    }

    /**
     * From the fixes review: every admin body is read strictly, "never coerced into another value"
     * (docs/admin-api.md: 400 invalid_field for {@code priority: 5.5}). StrictJson's type check takes any JSON number
     * for an Integer field, and the binder then truncates it: a schedule asked to run at priority 5.5 is stored at 5,
     * a catch-up window of 90.9 s as 90, and a preview of 2.9 fire times lists 2.
     */
    @Test
    void aFractionalNumberForAnIntegerFieldIsRefusedNotTruncated() {
        Answer created = server.operator.post(SCHEDULES, "{\"name\":\"fractional-priority\",\"task_name\":\"test.add\","
                + "\"cron\":\"0 5 * * *\",\"args\":[1,2],\"priority\":5.5,\"catch_up_seconds\":90.9}");
        Answer preview = server.viewer.post(SCHEDULES + "/preview", "{\"cron\":\"0 * * * *\",\"count\":2.9}");
        try {
            assertTrue(created.status() == 400 || created.status() == 422, "priority 5.5 answered " + created.status()
                    + " " + created.body());
            assertTrue(preview.status() == 400 || preview.status() == 422, "count 2.9 answered " + preview.status()
                    + " " + preview.body());
        } finally {
            if (created.status() == 201) {
                server.operator.delete(SCHEDULES + "/" + created.text("id"));
            }
        }
    }

    private static String body(String name, String cron) {
        return "{\"name\":\"" + name + "\",\"task_name\":\"test.add\",\"cron\":\"" + cron + "\","
                + "\"timezone\":\"Europe/Berlin\",\"args\":[1,2]}";
    }
}
