package io.chard.trace;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The logging every Chard process sets up ({@link LogSetup}) writes a task's log context as text or as JSON. */
class LogFormatTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void withJsonFormatEachLineIsAJsonObjectCarryingTheTaskContext() throws Exception {
        UUID id = UUID.randomUUID();
        String line = logInsideTask("json", id);

        JsonNode json = JsonMapper.createDefault().readValue(line, JsonNode.class);
        assertEquals("task says hello", json.get("message").getStringValue());
        JsonNode mdc = json.get("mdc");
        assertEquals(id.toString(), mdc.get("execution_id").getStringValue());
        assertEquals("orders.send_receipt", mdc.get("task").getStringValue());
        assertEquals("2", mdc.get("attempt").getStringValue());
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", mdc.get("trace_id").getStringValue());
    }

    @Test
    void byDefaultLinesAreTextWithTheTaskContextAtTheEnd() throws Exception {
        UUID id = UUID.randomUUID();
        String line = logInsideTask(null, id);

        assertTrue(line.contains("task says hello [") && line.contains("execution_id=" + id)
                && line.contains("trace_id=4bf92f3577b34da6a3ce929d0e0e4736"), line);
    }

    @Test
    void logbackFindsTheSetupAsAServiceAndStepsAsideForAUsersOwnFile() {
        assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(s -> s.type() == LogSetup.class),
                "META-INF/services names LogSetup");
        // This module's tests carry a logback-test.xml, as a user's application may carry a logback.xml.
        LoggerContext logging = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new LogSetup().configure(logging));
        assertFalse(logging.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    }

    private static String logInsideTask(String format, UUID id) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext logging = new LoggerContext();
        // The MDC the task scope writes is slf4j's; a fresh logging context must read that one.
        logging.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogSetup.configure(logging, format);
            try (TaskLogScope scope = TaskLogScope.open(id, "orders.send_receipt", 2,
                    Map.of(Tracing.TRACEPARENT, TRACEPARENT))) {
                logging.getLogger("io.chard.example").info("task says hello");
            }
        } finally {
            logging.stop();
            System.setOut(original);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        return lines[lines.length - 1];
    }
}
