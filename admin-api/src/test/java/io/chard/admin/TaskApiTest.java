package io.chard.admin;

import io.chard.broker.RedisKeys;
import io.chard.config.ChardConfig;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatch API's answers, good and bad, over real HTTP against a real Redis and PostgreSQL. */
class TaskApiTest {
    static ApplicationContext context;
    static HttpClient http = HttpClient.newHttpClient();
    static String base;
    static JsonMapper json;

    @BeforeAll
    static void start() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.putAll(TestPostgres.properties());
        properties.put("micronaut.server.port", -1);
        properties.put("chard.max-payload-bytes", 4_000);
        properties.put("chard.recorder.enabled", false);
        context = AdminMain.start(new String[0], properties);
        base = "http://localhost:" + context.getBean(EmbeddedServer.class).getPort();
        json = context.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void aDispatchIsAcceptedWithItsPendingExecutionWhichCanThenBeRead() throws Exception {
        Answer accepted = post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[2],\"kwargs\":{\"b\":3}}");
        assertEquals(202, accepted.status());
        assertEquals("pending", accepted.json().get("status").getStringValue());
        assertEquals("test.add", accepted.json().get("task_name").getStringValue());
        String id = accepted.json().get("id").getStringValue();

        Answer read = get("/api/background_tasks/tasks/" + id);
        assertEquals(200, read.status());
        assertEquals(id, read.json().get("id").getStringValue());
        assertEquals("pending", read.json().get("status").getStringValue());
        for (String field : Set.of("task_name", "status", "progress", "retries", "deliveries")) {
            assertTrue(read.json().get(field) != null, "missing " + field + " in " + read.body());
        }
    }

    @Test
    void malformedJsonIs400AndEnqueuesNothing() throws Exception {
        assertEnqueuesNothing(() -> {
            assertError(post("/api/background_tasks/tasks", "{\"task\": "), 400, "malformed_json");
            assertError(post("/api/background_tasks/tasks", "[1, 2]"), 400, "malformed_json");
            assertError(post("/api/background_tasks/tasks", "{\"args\": [1]}"), 400, "invalid_field");
            assertError(post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"countdown\":\"soon\"}"), 400,
                    "invalid_field");
        });
    }

    @Test
    void anUnknownTaskIs404AndEnqueuesNothing() throws Exception {
        assertEnqueuesNothing(() -> assertError(post("/api/background_tasks/tasks", "{\"task\":\"no.such_task\"}"),
                404, "unknown_task"));
    }

    @Test
    void argumentsThatDoNotBindAre422NamingTheParameter() throws Exception {
        assertEnqueuesNothing(() -> {
            Answer answer = post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[1,\"two\"]}");
            assertError(answer, 422, "invalid_arguments");
            assertEquals("b", answer.json().get("parameter").getStringValue());
            assertError(post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[1,2],\"priority\":12}"),
                    422, "invalid_option");
        });
    }

    @Test
    void aBodyOverTheLimitIs413AndEnqueuesNothing() throws Exception {
        assertEnqueuesNothing(() -> {
            String big = "x".repeat(5_000);
            assertError(post("/api/background_tasks/tasks",
                    "{\"task\":\"test.collect\",\"args\":[[\"" + big + "\"],{}]}"), 413, "payload_too_large");
            assertEquals(413, post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[\""
                    + "y".repeat(5 * 1024 * 1024) + "\"]}").status());
        });
    }

    @Test
    void revokeAnswers200Then409OnceTheExecutionHasEnded() throws Exception {
        String id = post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[1,2]}").json()
                .get("id").getStringValue();
        assertEquals(200, post("/api/background_tasks/tasks/" + id + "/revoke", "").status());
        assertEquals("revoked", get("/api/background_tasks/tasks/" + id).json().get("status").getStringValue());
        assertError(post("/api/background_tasks/tasks/" + id + "/revoke", ""), 409, "already_finished");
    }

    @Test
    void anUnknownExecutionIs404() throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        assertEquals(404, get("/api/background_tasks/tasks/" + id).status());
        assertEquals(404, post("/api/background_tasks/tasks/" + id + "/revoke", "").status());
    }

    @Test
    void healthAnswers200WhenRedisAndPostgresAreUp() throws Exception {
        assertEquals(200, get("/health").status());
    }

    interface Requests {
        void send() throws Exception;
    }

    /** Sends the requests and checks that no execution appeared in Redis meanwhile. */
    private void assertEnqueuesNothing(Requests requests) throws Exception {
        String prefix = RedisKeys.of(context.getBean(ChardConfig.class).namespace()).prefix();
        @SuppressWarnings("unchecked")
        var redis = ((StatefulRedisConnection<String, String>) context.getBean(StatefulRedisConnection.class)).sync();
        int before = redis.keys(prefix + "t:*").size();
        requests.send();
        assertEquals(before, redis.keys(prefix + "t:*").size(), "an execution was enqueued");
    }

    private static void assertError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals(code, answer.json().get("error").getStringValue(), answer.body());
        assertTrue(!answer.json().get("message").getStringValue().isBlank());
    }

    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return TaskApiTest.json.readValue(body, JsonNode.class);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Answer post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    static Answer get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
