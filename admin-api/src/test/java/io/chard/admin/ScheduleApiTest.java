package io.chard.admin;

import io.chard.config.ChardSettings;
import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

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
        String sweep = list.json().get("items").values().iterator().next().get("id").getStringValue();
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

    private static String body(String name, String cron) {
        return "{\"name\":\"" + name + "\",\"task_name\":\"test.add\",\"cron\":\"" + cron + "\","
                + "\"timezone\":\"Europe/Berlin\",\"args\":[1,2]}";
    }
}
