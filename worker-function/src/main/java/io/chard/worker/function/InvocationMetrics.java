package io.chard.worker.function;

import io.chard.worker.DrainReport;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One invocation's figures as a CloudWatch embedded-metric-format (EMF) line: a JSON log event whose {@code _aws}
 * block tells CloudWatch Logs to extract the named fields as metrics, in {@code namespace}, per function. A Lambda
 * has no port to scrape, and EMF needs no agent, no API call and no extra time in the invocation: the line is
 * written to standard output, which Lambda sends to CloudWatch Logs.
 *
 * @param function the Lambda function's name (the metrics' one dimension)
 * @param duration from the event's arrival to the response, in the handler
 */
public record InvocationMetrics(String namespace, String function, Instant at, DrainReport report, Duration duration) {
    static final String DIMENSION = "Function";

    /** The line: one JSON object, no newline in it (a log event per line). */
    public String line(JsonMapper json) {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("TasksRun", report.leased());
        values.put("TasksSucceeded", report.succeeded());
        values.put("TasksFailed", report.failed());
        values.put("TasksRetried", report.retried());
        values.put("TasksGivenBack", report.givenBack());
        values.put("Duration", duration.toMillis());
        List<Map<String, String>> metrics = values.keySet().stream()
                .map(name -> Map.of("Name", name, "Unit", name.equals("Duration") ? "Milliseconds" : "Count"))
                .toList();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("_aws", Map.of("Timestamp", at.toEpochMilli(), "CloudWatchMetrics", List.of(Map.of(
                "Namespace", namespace, "Dimensions", List.of(List.of(DIMENSION)), "Metrics", metrics))));
        event.put(DIMENSION, function);
        event.putAll(values);
        try {
            return json.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded-metric line could not be written", e);
        }
    }
}
