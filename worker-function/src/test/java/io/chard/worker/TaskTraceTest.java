package io.chard.worker;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.chard.trace.TraceParent;
import io.chard.trace.Tracing;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A trace and the log context follow a task from its dispatch into its execution and its child dispatches. */
class TaskTraceTest {
    private static final TraceParent TRACE = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .orElseThrow();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private ApplicationContext context;
    private TaskClient client;

    @BeforeEach
    void start() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        lines.start();
        ((Logger) LoggerFactory.getLogger(TracedTasks.class)).addAppender(lines);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(TracedTasks.class)).detachAppender(lines);
        context.close();
    }

    @Test
    void aTraceCurrentAtDispatchIsRestoredInTheTaskAndHandedToItsChildren() throws Exception {
        Dispatched parent;
        try (Tracing.Scope scope = Tracing.open(TRACE)) {
            parent = client.dispatch("w.traced_parent");
        }
        ExecutionSnapshot done = finished(parent.id());
        JsonNode result = context.getBean(JsonMapper.class).readValue(done.resultJson(), JsonNode.class);
        UUID child = UUID.fromString(result.get("child").getStringValue());
        finished(child);

        assertEquals(TRACE.traceId(), result.get("trace").getStringValue());
        TraceParent carried = carried(child);
        assertEquals(TRACE.traceId(), carried.traceId());
        assertNotEquals(TRACE.parentId(), carried.parentId());
        Map<String, String> parentLine = line("parent running");
        assertEquals(parent.id().toString(), parentLine.get("execution_id"));
        assertEquals("w.traced_parent", parentLine.get("task"));
        assertEquals("1", parentLine.get("attempt"));
        assertEquals(TRACE.traceId(), parentLine.get("trace_id"));
        assertEquals(child.toString(), line("child running").get("execution_id"));
        assertEquals(TRACE.traceId(), line("child running").get("trace_id"));
    }

    @Test
    void aDispatchWithNoTraceStartsOneSoItsLogsCanStillBeJoined() throws Exception {
        Dispatched parent = client.dispatch("w.traced_parent");
        finished(parent.id());

        String traceId = carried(parent.id()).traceId();
        assertEquals(traceId, line("parent running").get("trace_id"));
        assertNull(Tracing.current().orElse(null));
    }

    private TraceParent carried(UUID id) throws Exception {
        JsonNode envelope = context.getBean(JsonMapper.class).readValue(client.snapshot(id).orElseThrow().envelope(),
                JsonNode.class);
        return TraceParent.parse(envelope.get("headers").get("traceparent").getStringValue()).orElseThrow();
    }

    private Map<String, String> line(String message) {
        return Await.value("a line '" + message + "'", Duration.ofSeconds(10), () -> List.copyOf(lines.list).stream()
                .filter(event -> event.getFormattedMessage().equals(message)).findFirst()
                .map(ILoggingEvent::getMDCPropertyMap).orElse(null));
    }

    private ExecutionSnapshot finished(UUID id) {
        ExecutionSnapshot done = Await.value("execution " + id + " ended", Duration.ofSeconds(15),
                () -> client.snapshot(id).filter(snapshot -> snapshot.status().ended()).orElse(null));
        assertEquals(ExecutionStatus.SUCCESS, done.status(), done::traceback);
        return done;
    }
}
