package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.history.HistoryStore;
import io.chard.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A dispatch's W3C traceparent header reaches the envelope, the history row and both detail APIs. */
class TraceApiTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static AdminApiServer server;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDispatchSentWithATraceparentHeaderKeepsItsTraceIdInTheHistory() {
        Answer accepted = server.operator.post(TaskApiTest.TASKS, "{\"task\":\"test.add\",\"args\":[1,2]}",
                "traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
        assertEquals(202, accepted.status(), accepted.body());
        UUID id = UUID.fromString(accepted.text("id"));
        assertEquals(TRACE_ID, accepted.text("trace_id"));

        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the history has the trace id", Duration.ofSeconds(15),
                () -> history.find(id).map(row -> TRACE_ID.equals(row.traceId())).orElse(false));
        assertEquals(TRACE_ID, server.viewer.get(AdminApiTest.EXECUTIONS + "/" + id).text("trace_id"));
    }

    @Test
    void aDispatchWithoutOneOrWithAMalformedOneStartsANewTrace() {
        Answer plain = server.operator.post(TaskApiTest.TASKS, "{\"task\":\"test.add\",\"args\":[1,2]}");
        Answer malformed = server.operator.post(TaskApiTest.TASKS, "{\"task\":\"test.add\",\"args\":[1,2]}",
                "traceparent", "00-" + TRACE_ID + "-zz-01");
        assertEquals(202, malformed.status(), malformed.body());
        assertNotNull(plain.text("trace_id"));
        assertNotEquals(TRACE_ID, malformed.text("trace_id"));
        assertEquals(32, malformed.text("trace_id").length());
    }
}
