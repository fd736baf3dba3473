package io.chard.admin;

import io.chard.admin.testing.ApiClient.Answer;
import io.chard.admin.testing.SharedAdminApi;
import io.chard.broker.Outcome;
import io.chard.history.HistoryStore;
import io.chard.testing.Await;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overview on real Redis and PostgreSQL: the recorder's minute aggregate, the history's counts, the broker's queues. */
class OverviewApiTest extends SharedAdminApi {
    static final String OVERVIEW = "/api/background_tasks/admin/overview";

    @Test
    void anEndedExecutionAppearsInItsBucketAndTaskRowAndAWaitingOneInItsQueue() {
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[1,2]}").text("id"));
        server.settle(id, new Outcome.Success("3"));
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the success is recorded", Duration.ofSeconds(10),
                () -> history.find(id).map(r -> r.status().equals("success")).orElse(false));
        Answer waiting = server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[1,2],\"queue\":\"overview\"}");
        assertEquals(202, waiting.status(), waiting.body());

        Answer answer = server.viewer.get(OVERVIEW + "?window=24h");
        assertEquals(200, answer.status(), answer.body());
        JsonNode overview = answer.json();
        assertEquals("24h", overview.get("window").getStringValue());
        assertEquals(900, overview.get("step_seconds").getLongValue());
        Instant from = Instant.parse(overview.get("from").getStringValue());
        Instant to = Instant.parse(overview.get("to").getStringValue());
        assertEquals(Duration.ofDays(1), Duration.between(from, to));
        long successes = 0;
        for (JsonNode bucket : overview.get("buckets").values()) {
            Instant start = Instant.parse(bucket.get("start").getStringValue());
            assertTrue(!start.isBefore(from) && start.isBefore(to), bucket.toString());
            assertEquals(0, Duration.between(from, start).toSeconds() % 900, "buckets sit on the axis' steps");
            successes += bucket.get("outcomes").get("success").getLongValue();
        }
        assertTrue(successes >= 1, answer.body());
        JsonNode add = task(overview, "test.add");
        assertNotNull(add, answer.body());
        assertTrue(add.get("count").getLongValue() >= 1);
        assertFalse(add.get("run_p50_ms").isNull(), "the success had a run time");
        assertTrue(overview.get("broker_reachable").getBooleanValue());
        JsonNode queue = null;
        for (JsonNode row : overview.get("queues").values()) {
            queue = row.get("name").getStringValue().equals("overview") ? row : queue;
        }
        assertNotNull(queue, answer.body());
        assertTrue(queue.get("depth").getLongValue() >= 1);
        assertTrue(queue.get("oldest_age_seconds").getLongValue() >= 0);
        boolean pendingCounted = false;
        for (JsonNode status : overview.get("unfinished").values()) {
            pendingCounted |= status.get("status").getStringValue().equals("pending");
        }
        assertTrue(pendingCounted, answer.body());
    }

    @Test
    void viewersMayReadItAndAnUnknownWindowIs422() {
        assertEquals(401, server.anonymous.get(OVERVIEW).status());
        assertEquals("1h", server.viewer.get(OVERVIEW).json().get("window").getStringValue());
        assertEquals(3600, server.viewer.get(OVERVIEW + "?window=7d").json().get("step_seconds").getLongValue());
        assertError(server.viewer.get(OVERVIEW + "?window=2h"), 422, "invalid_parameter");
    }

    private static JsonNode task(JsonNode overview, String name) {
        for (JsonNode row : overview.get("tasks").values()) {
            if (row.get("task_name").getStringValue().equals(name)) {
                return row;
            }
        }
        return null;
    }
}
