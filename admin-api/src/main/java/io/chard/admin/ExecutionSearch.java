package io.chard.admin;

import io.chard.client.StorableTime;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.history.ExecutionFilter;
import io.chard.history.ExecutionLane;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpParameters;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The list's search as an operator types it, the same in the list's query and a bulk retry's body, turned into
 * the history's {@link ExecutionFilter}. Values that are not JSON are taken as JSON strings, so {@code args=e2e}
 * finds {@code ["e2e", 1]}; a single value searches the arguments for it, and {@code key=value} the keyword
 * arguments.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
record ExecutionSearch(@Nullable String status, @Nullable String taskName, @Nullable String queue,
                       @Nullable String since, @Nullable String until, @Nullable String q, @Nullable String args,
                       @Nullable String kwargs, @Nullable String result, @Nullable String error,
                       @Nullable String worker, @Nullable String exceptionType, @Nullable String list,
                       @Nullable String workflow) {

    static ExecutionSearch of(HttpParameters query) {
        return new ExecutionSearch(query.get("status"), query.get("task_name"), query.get("queue"),
                query.get("since"), query.get("until"), query.get("q"), query.get("args"), query.get("kwargs"),
                query.get("result"), query.get("error"), query.get("worker"), query.get("exception_type"),
                query.get("list"), query.get("workflow"));
    }

    /** @param argumentsHidden the tasks a match on arguments must leave out ({@link Redactor}) */
    ExecutionFilter filter(JsonMapper json, List<String> argumentsHidden) {
        refuseNul();
        return new ExecutionFilter(blank(status) ? null : List.of(status.trim()), trimmed(taskName), trimmed(queue),
                instant("since", since), instant("until", until), trimmed(q), arguments(json),
                keywordArguments(json), blank(result) ? null : write(value(result, json), json), trimmed(error),
                trimmed(worker), trimmed(exceptionType), lane(), workflowId(), null, argumentsHidden);
    }

    /** One of the operators' lists, or none (the whole history). */
    private ExecutionLane lane() {
        if (blank(list)) {
            return null;
        }
        return ExecutionLane.of(list.trim()).orElseThrow(() -> new InvalidParameterException("list", "'list' must be "
                + "one of " + java.util.Arrays.stream(ExecutionLane.values()).map(ExecutionLane::key).toList()
                + ", got " + list));
    }

    /** A workflow's id (its members' root), as the workflow API and page name it. */
    private UUID workflowId() {
        if (blank(workflow)) {
            return null;
        }
        try {
            return UUID.fromString(workflow.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("workflow", "'workflow' must be a workflow id (a UUID), got "
                    + workflow);
        }
    }

    /** An array is matched as given (every element present); any other value must be one of the arguments. */
    private String arguments(JsonMapper json) {
        if (blank(args)) {
            return null;
        }
        JsonNode value = value(args, json);
        return write(value.isArray() ? value : JsonNode.createArrayNode(List.of(value)), json);
    }

    /** An object is matched as given; {@code key=value} means {@code {"key": value}}. */
    private String keywordArguments(JsonMapper json) {
        if (blank(kwargs)) {
            return null;
        }
        JsonNode value = value(kwargs, json);
        if (value.isObject()) {
            return write(value, json);
        }
        int equals = kwargs.indexOf('=');
        if (equals <= 0) {
            throw new InvalidParameterException("'kwargs' must be a JSON object such as {\"user\": 7}, or key=value");
        }
        Map<String, JsonNode> pair = new LinkedHashMap<>();
        pair.put(kwargs.substring(0, equals).trim(), value(kwargs.substring(equals + 1), json));
        return write(JsonNode.createObjectNode(pair), json);
    }

    private static JsonNode value(String text, JsonMapper json) {
        String trimmed = text.trim();
        try {
            return json.readValue(trimmed, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            return JsonNode.createStringNode(trimmed);
        }
    }

    private static String write(JsonNode value, JsonMapper json) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Query parameters are refused by {@link NulParameters}; a bulk retry's body carries the same fields. */
    private void refuseNul() {
        String[][] fields = {{"status", status}, {"task_name", taskName}, {"queue", queue}, {"q", q}, {"args", args},
                {"kwargs", kwargs}, {"result", result}, {"error", error}, {"worker", worker},
                {"exception_type", exceptionType}, {"list", list}, {"workflow", workflow}};
        for (String[] field : fields) {
            if (field[1] != null && field[1].indexOf('\0') >= 0) {
                throw new MalformedRequestException("invalid_parameter", "'" + field[0] + "' contains a NUL character",
                        field[0]);
            }
        }
    }

    /** An instant the history can store (PostgreSQL's range), else a refusal naming the field. */
    private static Instant instant(String name, String value) {
        if (blank(value)) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(name, "'" + name + "' must be an ISO-8601 instant such as "
                    + "2026-01-31T09:00:00Z, got " + value);
        }
        if (!StorableTime.contains(instant)) {
            throw new InvalidParameterException(name, "'" + name + "' must fall " + StorableTime.range()
                    + ", got " + value);
        }
        return instant;
    }

    private static String trimmed(String value) {
        return blank(value) ? null : value.trim();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
