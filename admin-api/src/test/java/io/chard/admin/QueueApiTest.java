package io.chard.admin;

import io.chard.admin.testing.SharedAdminApi;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.Delivery;
import io.chard.broker.RedisBroker;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pausing and resuming a queue through the admin API: who may, what it answers, and that leasing obeys. */
class QueueApiTest extends SharedAdminApi {
    static final String QUEUES = "/api/background_tasks/admin/queues";
    static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aPausedQueueIsShownPausedKeepsItsDispatchesUnleasedAndRunsThemOnceResumed() {
        String id = server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[1,2],\"queue\":\"mail\"}").text("id");
        Answer paused = server.operator.post(QUEUES + "/mail/pause", "");
        assertEquals(200, paused.status(), paused.body());
        assertTrue(paused.json().get("paused").getBooleanValue());
        assertEquals(202, server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[3,4],\"queue\":\"mail\"}").status(), "a paused queue takes dispatches");
        JsonNode mail = queue("mail");
        assertTrue(mail.get("paused").getBooleanValue());
        assertEquals(2, mail.get("depth").getLongValue());
        assertFalse(queue("default") != null && queue("default").get("paused").getBooleanValue());

        try (BrokerConsumer worker = server.context.getBean(RedisBroker.class).consumer("queue-api-worker")) {
            assertTrue(worker.lease(List.of("mail"), 10, LEASE).deliveries().isEmpty());
            assertEquals(200, server.operator.post(QUEUES + "/mail/resume", "").status());
            List<Delivery> leased = worker.lease(List.of("mail"), 10, LEASE).deliveries();
            assertEquals(2, leased.size());
            assertTrue(leased.stream().anyMatch(d -> d.id().toString().equals(id)));
        }
        assertFalse(queue("mail").get("paused").getBooleanValue());
        String audit = server.admin.get("/api/background_tasks/admin/audit").body();
        assertTrue(audit.contains("\"action\":\"pause_queue\",\"target\":\"mail\""), audit);
        assertTrue(audit.contains("\"action\":\"resume_queue\",\"target\":\"mail\""), audit);
    }

    @Test
    void aQueueATaskDeclaresCanBePausedBeforeAnyDispatchAndIsListedPaused() {
        assertEquals(200, server.operator.post(QUEUES + "/default/pause", "").status());
        assertTrue(queue("default").get("paused").getBooleanValue());
        assertEquals(200, server.operator.post(QUEUES + "/default/resume", "").status());
    }

    @Test
    void pausingAnUnknownQueueIs404AndChangesNothing() {
        assertError(server.operator.post(QUEUES + "/no-such-queue/pause", ""), 404, "unknown_queue");
        assertError(server.operator.post(QUEUES + "/no-such-queue/resume", ""), 404, "unknown_queue");
        assertEquals(null, queue("no-such-queue"));
    }

    @Test
    void onlyOperatorsMayPauseOrResume() {
        assertEquals(401, server.anonymous.post(QUEUES + "/default/pause", "").status());
        assertEquals(403, server.viewer.post(QUEUES + "/default/pause", "").status());
        assertEquals(403, server.viewer.post(QUEUES + "/default/resume", "").status());
        assertFalse(queue("default") != null && queue("default").get("paused").getBooleanValue());
    }

    /** The queue's entry in the queues list, or null when it is not listed. */
    private static JsonNode queue(String name) {
        for (JsonNode queue : server.viewer.get(QUEUES).json().get("queues").values()) {
            if (queue.get("name").getStringValue().equals(name)) {
                return queue;
            }
        }
        return null;
    }
}
