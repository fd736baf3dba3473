package io.chard.admin;

import io.chard.client.StorableTime;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

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
                       @Nullable String workflow, @Nullable String traceId) {

    static ExecutionSearch of(HttpParameters query) {
        return new ExecutionSearch(query.get("status"), query.get("task_name"), query.get("queue"),
                query.get("since"), query.get("until"), query.get("q"), query.get("args"), query.get("kwargs"),
                query.get("result"), query.get("error"), query.get("worker"), query.get("exception_type"),
                query.get("list"), query.get("workflow"), query.get("trace_id"));
    }

    static final int MAX_ERROR_SEARCH = 1_000;
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    /** @param argumentsHidden the tasks a match on arguments must leave out ({@link Redactor}) */
    ExecutionFilter filter(JsonMapper json, List<String> argumentsHidden) {
        refuseNul();
        return new ExecutionFilter(blank(status) ? null : List.of(status.trim()), trimmed(taskName), trimmed(queue),
                instant("since", since), instant("until", until), trimmed(q), arguments(json),
                keywordArguments(json), blank(result) ? null : Value.of(result, json).json(), words(error),
                trimmed(worker), trimmed(exceptionType), lane(), workflowId(), traceIdFilter(), null, argumentsHidden);
    }

    /**
     * The error search's words, at most {@value #MAX_ERROR_SEARCH} characters: PostgreSQL's text search parses a
     * query in time that grows with the square of its words (100,000 took 2.2 s), a 4 MiB body would have run for
     * minutes past the request's 10 s, and been answered as a database outage.
     */
    private String words(String text) {
        String words = trimmed(text);
        if (words != null && words.length() > MAX_ERROR_SEARCH) {
            throw new InvalidParameterException("error", "'error' must be at most " + MAX_ERROR_SEARCH
                    + " characters of words, got " + words.length());
        }
        return words;
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

    /** A trace's id as the detail shows it: 32 hex digits, lower case (W3C trace context). */
    private String traceIdFilter() {
        if (blank(traceId)) {
            return null;
        }
        String id = traceId.trim();
        if (!TRACE_ID.matcher(id).matches()) {
            throw new InvalidParameterException("trace_id", "'trace_id' must be 32 lower-case hex digits, got "
                    + traceId);
        }
        return id;
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
        Value value = Value.of(args, json);
        return value.array() ? value.json() : "[" + value.json() + "]";
    }

    /** An object is matched as given; {@code key=value} means {@code {"key": value}}. */
    private String keywordArguments(JsonMapper json) {
        if (blank(kwargs)) {
            return null;
        }
        Value value = Value.of(kwargs, json);
        if (value.object()) {
            return value.json();
        }
        int equals = kwargs.indexOf('=');
        if (equals <= 0) {
            throw new InvalidParameterException("'kwargs' must be a JSON object such as {\"user\": 7}, or key=value");
        }
        return "{" + Value.string(kwargs.substring(0, equals).trim(), json) + ":"
                + Value.of(kwargs.substring(equals + 1), json).json() + "}";
    }

    /**
     * A searched value as JSON text: as typed when it is JSON, so that PostgreSQL reads it and every digit of a
     * decimal is kept (read here it became a double: {@code 0.30000000000000000001} matched nothing) and the
     * word {@code null} is JSON's null (read here it was Java's null, and the search answered 500); else the text
     * as a JSON string ({@code args=e2e} means {@code ["e2e"]}).
     */
    private record Value(String json, boolean array, boolean object) {
        private static final JsonFactory FACTORY = new JsonFactory();

        static Value of(String text, JsonMapper mapper) {
            String trimmed = text.trim();
            JsonToken first = wholeJson(trimmed);
            return first == null ? new Value(string(trimmed, mapper), false, false)
                    : new Value(trimmed, first == JsonToken.START_ARRAY, first == JsonToken.START_OBJECT);
        }

        /**
         * The first token of {@code text} when it is exactly one JSON value, else null. A reader that stops after
         * the first value took "2 apples" for JSON, and PostgreSQL refused it (400) where it is text to find.
         */
        private static JsonToken wholeJson(String text) {
            try (JsonParser parser = FACTORY.createParser(text)) {
                JsonToken first = parser.nextToken();
                if (first == null) {
                    return null;
                }
                parser.skipChildren();
                return parser.nextToken() == null ? first : null;
            } catch (IOException e) {
                return null;
            }
        }

        static String string(String text, JsonMapper mapper) {
            try {
                return mapper.writeValueAsString(JsonNode.createStringNode(text));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Query parameters are refused by {@link NulParameters}; a bulk retry's body carries the same fields. */
    private void refuseNul() {
        String[][] fields = {{"status", status}, {"task_name", taskName}, {"queue", queue}, {"q", q}, {"args", args},
                {"kwargs", kwargs}, {"result", result}, {"error", error}, {"worker", worker},
                {"exception_type", exceptionType}, {"list", list}, {"workflow", workflow}, {"trace_id", traceId}};
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
