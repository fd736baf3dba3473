package io.chard.worker.function;

import io.chard.worker.DrainReport;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One invocation's figures as CloudWatch embedded-metric-format (EMF) lines: JSON log events whose {@code _aws}
 * block tells CloudWatch Logs to extract the named fields as metrics, in {@code namespace}. A Lambda has no port to
 * scrape, and EMF needs no agent, no API call and no extra time in the invocation: the lines are written to standard
 * output, which Lambda sends to CloudWatch Logs.
 *
 * <p>The first line holds the invocation's counts, per function. A dimension takes one value per log event, so the
 * wait before each start ({@code TaskWait}, the worker's {@code chard_task_wait_seconds}) follows in one line per
 * task and queue, its values as an array (CloudWatch keeps each value, for percentiles), at most
 * {@value #VALUES_PER_LINE} a line as the format allows; each line's values count per function, task and queue and
 * per function alone.
 *
 * @param function the Lambda function's name (the metrics' one dimension)
 * @param duration from the event's arrival to the response, in the handler
 */
public record InvocationMetrics(String namespace, String function, Instant at, DrainReport report, Duration duration) {
    static final String DIMENSION = "Function";
    static final String WAIT = "TaskWait";
    /** The most values one metric may carry in one EMF event. */
    static final int VALUES_PER_LINE = 100;
    private static final String MILLISECONDS = "Milliseconds";

    /** The lines, the counts first: each one JSON object, no newline in it (a log event per line). */
    public List<String> lines(JsonMapper json) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("TasksRun", report.leased());
        values.put("TasksSucceeded", report.succeeded());
        values.put("TasksFailed", report.failed());
        values.put("TasksRetried", report.retried());
        values.put("TasksGivenBack", report.givenBack());
        values.put("LeaseExpiries", report.lapsed());
        values.put("Duration", duration.toMillis());
        Map<String, String> units = new LinkedHashMap<>();
        values.keySet().forEach(name -> units.put(name, name.equals("Duration") ? MILLISECONDS : "Count"));
        List<String> lines = new ArrayList<>();
        lines.add(line(json, List.of(List.of(DIMENSION)), Map.of(DIMENSION, function), units, values));
        report.waited().forEach((key, millis) -> {
            for (int from = 0; from < millis.size(); from += VALUES_PER_LINE) {
                Map<String, Object> dimensions = new LinkedHashMap<>();
                dimensions.put(DIMENSION, function);
                dimensions.put("Task", key.task());
                dimensions.put("Queue", key.queue());
                lines.add(line(json, List.of(List.of(DIMENSION, "Task", "Queue"), List.of(DIMENSION)), dimensions,
                        Map.of(WAIT, MILLISECONDS),
                        Map.of(WAIT, millis.subList(from, Math.min(millis.size(), from + VALUES_PER_LINE)))));
            }
        });
        return lines;
    }

    private String line(JsonMapper json, List<List<String>> dimensionSets, Map<String, ?> dimensions,
                        Map<String, String> units, Map<String, ?> values) {
        List<Map<String, String>> metrics = units.entrySet().stream()
                .map(unit -> Map.of("Name", unit.getKey(), "Unit", unit.getValue())).toList();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("_aws", Map.of("Timestamp", at.toEpochMilli(), "CloudWatchMetrics", List.of(Map.of(
                "Namespace", namespace, "Dimensions", dimensionSets, "Metrics", metrics))));
        event.putAll(dimensions);
        event.putAll(values);
        try {
            return json.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded-metric line could not be written", e);
        }
    }
}
