package io.chard.admin;

import io.chard.config.ChardSettings;
import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.Outcome;
import io.chard.broker.RedisBroker;
import io.chard.broker.RedisKeys;
import io.chard.history.HistoryStore;
import io.chard.config.ChardConfig;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatch API's answers, good and bad, over real HTTP against a real Redis and PostgreSQL. */
class TaskApiTest {
    static final String TASKS = "/api/background_tasks/tasks";
    static AdminApiServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of(ChardSettings.MAX_PAYLOAD_BYTES, 4_000, ChardSettings.RECORDER_ENABLED, false));
        api = server.operator;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDispatchIsAcceptedWithItsPendingExecutionWhichCanThenBeRead() {
        Answer accepted = api.post(TASKS, "{\"task\":\"test.add\",\"args\":[2],\"kwargs\":{\"b\":3}}");
        assertEquals(202, accepted.status());
        assertEquals("pending", accepted.text("status"));
        assertEquals("test.add", accepted.text("task_name"));
        String id = accepted.text("id");

        Answer read = server.viewer.get(TASKS + "/" + id);
        assertEquals(200, read.status());
        assertEquals(id, read.text("id"));
        assertEquals("pending", read.text("status"));
        for (String field : Set.of("task_name", "status", "progress", "retries", "deliveries")) {
            assertTrue(read.json().get(field) != null, "missing " + field + " in " + read.body());
        }
        // The dispatch's answer is built from what it stored, not read back: it must say what a read says.
        for (String field : Set.of("queue", "priority", "queued_at", "trace_id", "retries", "deliveries")) {
            assertEquals(read.text(field), accepted.text(field), field);
        }
        assertEquals(3, accepted.json().get("kwargs").get("b").getIntValue());
    }

    @Test
    void aDuplicateDispatchOfAUniqueTaskAnswersTheExecutionHoldingTheLock() {
        Answer first = api.post(TASKS, "{\"task\":\"test.unique_order\",\"args\":[\"order-http\",\"a\"]}");
        Answer duplicate = api.post(TASKS,
                "{\"task\":\"test.unique_order\",\"kwargs\":{\"orderId\":\"order-http\",\"note\":\"b\"}}");
        Answer other = api.post(TASKS, "{\"task\":\"test.unique_order\",\"args\":[\"order-other\",\"a\"]}");
        assertEquals(202, first.status());
        assertEquals(202, duplicate.status());
        assertEquals(first.text("id"), duplicate.text("id"));
        assertEquals("pending", duplicate.text("status"));
        assertTrue(!other.text("id").equals(first.text("id")), "another order is another execution");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDuplicateOfAnExecutionGoneFromRedisAnswersWhatTheHistoryRecorded() {
        String body = "{\"task\":\"test.add\",\"args\":[1,2],\"idempotency_key\":\"order-" + UUID.randomUUID() + "\"}";
        Answer first = api.post(TASKS, body);
        UUID id = UUID.fromString(first.text("id"));
        server.settle(id, new Outcome.Success("1"));
        server.recordHistory("task-api-test");
        assertEquals("success", server.context.getBean(HistoryStore.class).find(id).orElseThrow().status());
        // What the result TTL does to the execution while a key that names it stays (an idempotency window, or a
        // unique task's lock for its period, may outlast it).
        var redis = ((StatefulRedisConnection<String, String>) server.context.getBean(StatefulRedisConnection.class))
                .sync();
        redis.del(server.context.getBean(RedisBroker.class).partitions().keys(id).task(id));

        Answer duplicate = api.post(TASKS, body);
        assertEquals(202, duplicate.status(), duplicate.body());
        assertEquals(id.toString(), duplicate.text("id"));
        assertEquals("success", duplicate.text("status"), "not the pending a dispatch would guess: " + duplicate.body());
    }

    @Test
    void dispatchNeedsTheDispatchPermission() {
        String body = "{\"task\":\"test.add\",\"args\":[1,2]}";
        assertEnqueuesNothing(() -> {
            assertEquals(401, server.anonymous.post(TASKS, body).status());
            assertEquals(403, server.viewer.post(TASKS, body).status());
        });
        assertEquals(401, server.anonymous.get(TASKS + "/" + UUID.randomUUID()).status());
    }

    @Test
    void malformedJsonIs400AndEnqueuesNothing() {
        assertEnqueuesNothing(() -> {
            assertError(api.post(TASKS, "{\"task\": "), 400, "malformed_json");
            assertError(api.post(TASKS, "[1, 2]"), 400, "malformed_json");
            assertError(api.post(TASKS, "{\"args\": [1]}"), 400, "invalid_field");
            assertError(api.post(TASKS, "{\"task\":\"test.add\",\"countdown\":\"soon\"}"), 400, "invalid_field");
        });
    }

    @Test
    void anUnknownTaskIs404AndEnqueuesNothing() {
        assertEnqueuesNothing(() -> assertError(api.post(TASKS, "{\"task\":\"no.such_task\"}"), 404, "unknown_task"));
    }

    @Test
    void argumentsThatDoNotBindAre422NamingTheParameter() {
        assertEnqueuesNothing(() -> {
            Answer answer = api.post(TASKS, "{\"task\":\"test.add\",\"args\":[1,\"two\"]}");
            assertError(answer, 422, "invalid_arguments");
            assertEquals("b", answer.text("parameter"));
            assertError(api.post(TASKS, "{\"task\":\"test.add\",\"args\":[1,2],\"priority\":12}"), 422,
                    "invalid_option");
        });
    }

    @Test
    void aBodyOverTheLimitIs413AndEnqueuesNothing() {
        assertEnqueuesNothing(() -> {
            String big = "x".repeat(5_000);
            assertError(api.post(TASKS, "{\"task\":\"test.collect\",\"args\":[[\"" + big + "\"],{}]}"), 413,
                    "payload_too_large");
            assertEquals(413, api.post(TASKS, "{\"task\":\"test.add\",\"args\":[\""
                    + "y".repeat(5 * 1024 * 1024) + "\"]}").status());
        });
    }

    @Test
    void revokeAnswers200Then409OnceTheExecutionHasEnded() {
        String id = api.post(TASKS, "{\"task\":\"test.add\",\"args\":[1,2]}").text("id");
        assertEquals(403, server.viewer.post(TASKS + "/" + id + "/revoke", "").status());
        assertEquals(200, api.post(TASKS + "/" + id + "/revoke", "").status());
        assertEquals("revoked", api.get(TASKS + "/" + id).text("status"));
        assertError(api.post(TASKS + "/" + id + "/revoke", ""), 409, "already_finished");
    }

    @Test
    void anUnknownExecutionIs404() {
        String id = UUID.randomUUID().toString();
        assertEquals(404, api.get(TASKS + "/" + id).status());
        assertEquals(404, api.post(TASKS + "/" + id + "/revoke", "").status());
    }

    @Test
    void aBatchIsEnqueuedWholeAndAnsweredInRequestOrder() {
        Answer accepted = api.post(TASKS + "/batch", "{\"tasks\":[{\"task\":\"test.add\",\"args\":[1,2]},"
                + "{\"task\":\"test.add\",\"args\":[3,4],\"queue\":\"batch-q\"},"
                + "{\"task\":\"test.add\",\"args\":[5,6],\"priority\":7}]}");
        assertEquals(202, accepted.status(), accepted.body());
        var tasks = accepted.json().get("tasks");
        assertEquals(3, tasks.size());
        Answer second = server.viewer.get(TASKS + "/" + tasks.get(1).get("id").getStringValue());
        assertEquals("pending", second.text("status"));
        assertEquals("batch-q", second.text("queue"));
        assertEquals(4, second.json().get("args").get(1).getIntValue());
        assertEquals(7, server.viewer.get(TASKS + "/" + tasks.get(2).get("id").getStringValue()).json()
                .get("priority").getIntValue());
        assertEquals(false, tasks.get(0).get("duplicate").getBooleanValue());
    }

    @Test
    void aBatchRepeatingAnIdempotencyKeyAnswersTheFirstExecutionForTheRepeat() {
        String item = "{\"task\":\"test.add\",\"args\":[1,2],\"idempotency_key\":\"batch-" + UUID.randomUUID() + "\"}";
        var tasks = api.post(TASKS + "/batch", "{\"tasks\":[" + item + "," + item + "]}").json().get("tasks");
        assertEquals(tasks.get(0).get("id").getStringValue(), tasks.get(1).get("id").getStringValue());
        assertEquals(false, tasks.get(0).get("duplicate").getBooleanValue());
        assertEquals(true, tasks.get(1).get("duplicate").getBooleanValue());
    }

    @Test
    void oneRefusedItemOfABatchIs400NamingItsIndexAndEnqueuesNothing() {
        String good = "{\"task\":\"test.add\",\"args\":[1,2]}";
        assertEnqueuesNothing(() -> {
            assertBatchRefused("{\"task\":\"no.such_task\"}", "unknown_task", "tasks[1]");
            Answer binding = assertBatchRefused("{\"task\":\"test.add\",\"args\":[1,\"two\"]}", "invalid_arguments",
                    "tasks[1]");
            assertEquals("b", binding.text("parameter"));
            assertBatchRefused("{\"task\":\"test.add\",\"args\":[1,2],\"priority\":12}", "invalid_option",
                    "tasks[1].priority");
            assertBatchRefused("{\"task\":\"test.add\",\"countdown\":\"soon\"}", "invalid_field", "tasks[1].countdown");
            assertBatchRefused("{\"task\":\"test.collect\",\"args\":[[\"" + "x".repeat(5_000) + "\"],{}]}",
                    "payload_too_large", "tasks[1]");
            assertBatchRefused("[1]", "invalid_field", "tasks[1]");
            assertError(api.post(TASKS + "/batch", "{\"tasks\":[]}"), 400, "invalid_field");
            assertError(api.post(TASKS + "/batch", "{\"tasks\":[" + (good + ",").repeat(1_000) + good + "]}"), 400,
                    "invalid_field");
            assertError(api.post(TASKS + "/batch", "{\"tasks\":[" + good + "],\"other\":1}"), 400, "unknown_field");
            assertEquals(403, server.viewer.post(TASKS + "/batch", "{\"tasks\":[" + good + "]}").status());
        });
    }

    /** Posts a batch of a good item and {@code item}, and checks the refusal names the second. */
    private static Answer assertBatchRefused(String item, String code, String field) {
        Answer answer = api.post(TASKS + "/batch", "{\"tasks\":[{\"task\":\"test.add\",\"args\":[1,2]}," + item + "]}");
        assertError(answer, 400, code);
        assertEquals(field, answer.text("field"), answer.body());
        return answer;
    }

    @Test
    void healthAnswers200WithoutSigningIn() {
        assertEquals(200, server.anonymous.get("/health").status());
    }

    /** Sends the requests and checks that no execution appeared in Redis meanwhile. */
    private static void assertEnqueuesNothing(Runnable requests) {
        String prefix = RedisKeys.of(server.context.getBean(ChardConfig.class).namespace()).prefix();
        @SuppressWarnings("unchecked")
        var redis = ((StatefulRedisConnection<String, String>) server.context.getBean(StatefulRedisConnection.class))
                .sync();
        int before = redis.keys(prefix + "t:*").size();
        requests.run();
        assertEquals(before, redis.keys(prefix + "t:*").size(), "an execution was enqueued");
    }

    static void assertError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals(code, answer.text("error"), answer.body());
        assertTrue(!answer.text("message").isBlank());
    }
}
