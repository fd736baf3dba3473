package io.chard.worker.function;

import io.chard.worker.DrainReport;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The embedded-metric lines of one invocation, as CloudWatch reads them: a format, so no broker is needed. */
class InvocationMetricsTest {

    @Test
    @SuppressWarnings("unchecked")
    void waitsGoOutInLinesOfAtMostAHundredValuesPerTaskAndQueueAfterTheCountsLine() throws Exception {
        List<Long> many = LongStream.range(0, 250).boxed().toList();
        DrainReport report = new DrainReport(251, 251, 0, 0, 0, 0, 0, Set.of(), Map.of(), new TreeMap<>(Map.of(
                new DrainReport.TaskQueue("a", "default"), many,
                new DrainReport.TaskQueue("b", "mail"), List.of(7L))));
        try (ApplicationContext context = ApplicationContext.run()) {
            JsonMapper json = context.getBean(JsonMapper.class);
            List<String> lines = new InvocationMetrics("Chard", "worker", Instant.ofEpochMilli(1), report,
                    Duration.ofMillis(5)).lines(json);
            assertEquals(1 + 3 + 1, lines.size(), String.join("\n", lines));
            assertEquals(251, ((Number) json.readValue(lines.getFirst(), Map.class).get("TasksRun")).intValue());
            List<Integer> sizes = lines.subList(1, lines.size()).stream()
                    .map(line -> read(json, line)).map(event -> ((List<Number>) event.get("TaskWait")).size()).toList();
            assertEquals(List.of(100, 100, 50, 1), sizes);
            Map<String, Object> last = read(json, lines.getLast());
            assertEquals(List.of("worker", "b", "mail", List.of(7)), List.of(last.get("Function"), last.get("Task"),
                    last.get("Queue"), last.get("TaskWait")));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(JsonMapper json, String line) {
        try {
            return json.readValue(line, Map.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
