package io.chard.admin;

import io.chard.admin.testing.SharedAdminApi;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.Outcome;
import io.chard.history.HistoryStore;
import io.chard.testing.Await;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task's arguments declared secret ({@code @Task(value = "test.sign_in", redact = "password")}) are hidden in
 * every answer that shows an execution, and cannot be found by searching, while the rest of the call shows.
 */
class RedactedArgumentsTest extends SharedAdminApi {
    static final String EXECUTIONS = "/api/background_tasks/admin/executions";
    static final String SECRET = "hunter2-secret";
    @Test
    void aRedactedArgumentIsHiddenInTheListTheDetailAndTheTaskApiPositionalOrNamed() {
        UUID positional = dispatch("{\"task\":\"test.sign_in\",\"args\":[\"ann\",\"" + SECRET + "\"]}");
        UUID named = dispatch("{\"task\":\"test.sign_in\",\"kwargs\":{\"user\":\"bob\",\"password\":\"" + SECRET
                + "\"}}");

        String live = server.viewer.get("/api/background_tasks/tasks/" + positional).body();
        assertFalse(live.contains(SECRET), "read from Redis: " + live);
        assertTrue(live.contains("\"args\":[\"ann\",\"[redacted]\"]"), live);

        recorded(positional);
        recorded(named);
        String detail = server.viewer.get(EXECUTIONS + "/" + positional).body();
        assertFalse(detail.contains(SECRET), detail);
        assertTrue(detail.contains("\"args\":[\"ann\",\"[redacted]\"]"), detail);
        String namedDetail = server.viewer.get(EXECUTIONS + "/" + named).body();
        assertFalse(namedDetail.contains(SECRET), namedDetail);
        assertTrue(namedDetail.contains("\"user\":\"bob\"") && namedDetail.contains("\"password\":\"[redacted]\""),
                namedDetail);
        String list = server.viewer.get(EXECUTIONS + "?task_name=test.sign_in").body();
        assertFalse(list.contains(SECRET), list);
        assertTrue(list.contains("[redacted]") && list.contains("ann"), list);
    }

    @Test
    void theArgumentsOfATaskThatHidesSomeCannotBeSearchedForAHiddenValue() {
        UUID id = dispatch("{\"task\":\"test.sign_in\",\"args\":[\"cyd\",\"" + SECRET + "\"]}");
        UUID other = dispatch("{\"task\":\"test.echo\",\"args\":[\"" + SECRET + "\"]}");
        recorded(id);
        recorded(other);
        String found = server.viewer.get(EXECUTIONS + "?args=" + URLEncoder.encode("[\"" + SECRET + "\"]",
                StandardCharsets.UTF_8)).body();
        assertFalse(found.contains(id.toString()), "a match would tell the hidden value: " + found);
        assertTrue(found.contains(other.toString()), "a task that hides nothing is found as before: " + found);
        String counted = server.operator.post(EXECUTIONS + "/bulk-retry", "{\"kwargs\":\"password=" + SECRET
                + "\",\"dry_run\":true}").body();
        assertTrue(counted.contains("\"matched\":0"), counted);
    }

    /**
     * A schedule's arguments are shown to those who cannot manage schedules as its executions are; a manager sees
     * them, since the edit form sends them back. They showed the password to every viewer. From a review.
     */
    @Test
    void aScheduleOfATaskThatHidesAnArgumentHidesItFromAViewerNotFromAManager() {
        String schedules = "/api/background_tasks/admin/schedules";
        Answer created = server.operator.post(schedules, "{\"name\":\"sign-in-" + UUID.randomUUID() + "\","
                + "\"task_name\":\"test.sign_in\",\"cron\":\"30 2 * * *\",\"timezone\":\"UTC\","
                + "\"args\":[\"ann\",\"" + SECRET + "\"],\"kwargs\":{}}");
        assertEquals(201, created.status(), created.body());
        String id = created.text("id");
        String one = server.viewer.get(schedules + "/" + id).body();
        assertFalse(one.contains(SECRET), "the schedule's page: " + one);
        assertTrue(one.contains("\"args\":[\"ann\",\"[redacted]\"]"), one);
        String all = server.viewer.get(schedules).body();
        assertFalse(all.contains(SECRET), "the schedules list: " + all);
        assertTrue(server.operator.get(schedules + "/" + id).body().contains(SECRET), "a manager edits them");
    }

    private static UUID dispatch(String body) {
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks", body).text("id"));
        server.settle(id, new Outcome.Success("null"));
        return id;
    }

    private static void recorded(UUID id) {
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the success is recorded", Duration.ofSeconds(10),
                () -> history.find(id).map(row -> row.status().equals("success")).orElse(false));
    }
}
