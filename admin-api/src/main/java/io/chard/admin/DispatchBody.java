package io.chard.admin;

import io.chard.client.DispatchRequest;
import io.chard.client.InvalidBatchException;
import io.chard.client.InvalidDispatchException;
import io.chard.client.StorableTime;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of {@code POST /api/background_tasks/tasks} into a {@link DispatchRequest}, refusing what is
 * not JSON or has a field of the wrong type. Whether the task exists and its arguments bind is the
 * client's check, shared with Java dispatch.
 */
final class DispatchBody {
    private static final Set<String> FIELDS = Set.of("task", "args", "kwargs", "queue", "priority", "countdown",
            "eta", "expires", "idempotency_key");

    private DispatchBody() {
    }

    /** The most requests one batch may hold: a full batch stays well under the server's 4 MiB request limit. */
    static final int MAX_BATCH = 1_000;

    static DispatchRequest read(String body, JsonMapper json, Instant now) {
        JsonNode root = StrictJson.read(body, json);
        if (root == null || !root.isObject()) {
            throw new MalformedRequestException("malformed_json", "the body must be a JSON object");
        }
        return read(root, now);
    }

    /**
     * The body of {@code POST /api/background_tasks/tasks/batch}: {@code {"tasks": [dispatch, ...]}}, 1 to
     * {@link #MAX_BATCH} of them; a refused one names its index ({@code tasks[3].priority}).
     */
    static List<DispatchRequest> readBatch(String body, JsonMapper json, Instant now) {
        JsonNode root = StrictJson.read(body, json);
        if (root == null || !root.isObject()) {
            throw new MalformedRequestException("malformed_json", "the body must be a JSON object");
        }
        root.entries().forEach(entry -> {
            if (!entry.getKey().equals("tasks")) {
                throw new MalformedRequestException("unknown_field", "unknown field '" + entry.getKey()
                        + "'; expected 'tasks'");
            }
        });
        JsonNode tasks = root.get("tasks");
        if (tasks == null || !tasks.isArray() || tasks.size() == 0 || tasks.size() > MAX_BATCH) {
            throw invalid("tasks", "'tasks' must be an array of 1 to " + MAX_BATCH + " dispatches");
        }
        List<DispatchRequest> requests = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            JsonNode item = tasks.get(i);
            String at = "tasks[" + i + "]";
            if (!item.isObject()) {
                throw invalid(at, at + " must be a JSON object");
            }
            try {
                requests.add(read(item, now));
            } catch (MalformedRequestException e) {
                throw new MalformedRequestException(e.code(), at + ": " + e.getMessage(),
                        e.field() == null ? at : at + "." + e.field());
            } catch (InvalidDispatchException e) {
                throw new InvalidBatchException(i, e);
            }
        }
        return requests;
    }

    private static DispatchRequest read(JsonNode root, Instant now) {
        root.entries().forEach(entry -> {
            if (!FIELDS.contains(entry.getKey())) {
                throw new MalformedRequestException("unknown_field", "unknown field '" + entry.getKey()
                        + "'; expected one of " + FIELDS);
            }
        });
        JsonNode task = root.get("task");
        if (task == null || !task.isString() || task.getStringValue().isBlank()) {
            throw invalid("task", "'task' must be a non-empty string");
        }
        JsonNode priority = root.get("priority");
        Duration countdown = seconds(root.get("countdown"), "countdown");
        Instant eta = instant(root.get("eta"), "eta", now);
        Instant expires = instant(root.get("expires"), "expires", now);
        refuseExpiryBeforeFirstRun(expires, countdown, eta, now);
        return new DispatchRequest(task.getStringValue(), present(root.get("args")), present(root.get("kwargs")),
                string(root, "queue"),
                priority == null || priority.isNull() ? null : priority(priority),
                countdown, eta, expires, string(root, "idempotency_key"), null);
    }

    /**
     * An execution that expires before it may first start would be revoked unrun: the caller's 202 would stand for
     * work that never happens, as with a negative {@code expires}. It first runs at the latest of now, its eta and
     * its countdown's end (the client starts it at the later of the two; a past eta runs now).
     */
    private static void refuseExpiryBeforeFirstRun(Instant expires, Duration countdown, Instant eta, Instant now) {
        Instant firstRun = now;
        if (eta != null && eta.isAfter(firstRun)) {
            firstRun = eta;
        }
        if (countdown != null && now.plus(countdown).isAfter(firstRun)) {
            firstRun = now.plus(countdown);
        }
        if (expires != null && !expires.isAfter(firstRun)) {
            throw new InvalidDispatchException("expires", "expires " + expires + " is not after the execution's "
                    + "first run (" + firstRun + ", the latest of now, its eta and its countdown's end): it would "
                    + "never run");
        }
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static String string(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field, "'" + field + "' must be a string");
        }
        return node.getStringValue();
    }

    /** A whole number; one outside 0-9 is the client's range check (422), but only if it fits an int unchanged. */
    private static int priority(JsonNode node) {
        BigDecimal value = number(node, "priority", "an integer");
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw invalid("priority", "'priority' must be an integer");
        }
        if (value.compareTo(BigDecimal.ZERO) < 0 || value.compareTo(BigDecimal.valueOf(9)) > 0) {
            throw new InvalidDispatchException("priority", "priority must be between 0 and 9, got "
                    + value.toPlainString());
        }
        return value.intValueExact();
    }

    /** A finite JSON number; 1e400 parses as infinity, which no option can take. */
    private static BigDecimal number(JsonNode node, String field, String what) {
        if (!node.isNumber()) {
            throw invalid(field, "'" + field + "' must be " + what);
        }
        try {
            return node.getBigDecimalValue();
        } catch (RuntimeException e) {
            throw new InvalidDispatchException(field, "'" + field + "' must be a finite number");
        }
    }

    /** Whole milliseconds, within the times the history can store (else the client refuses it, 422). */
    private static Duration seconds(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal seconds = number(node, field, "a number of seconds");
        if (seconds.signum() < 0) {
            throw new InvalidDispatchException(field, field + " must not be negative");
        }
        if (StorableTime.plusSeconds(StorableTime.MIN, seconds) == null) {
            throw new InvalidDispatchException(field, field + " is too far in the future: " + seconds + " seconds");
        }
        return Duration.ofMillis(seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** An ISO-8601 instant, or (for {@code expires}) a number of seconds from now. */
    private static Instant instant(JsonNode node, String field, Instant now) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber() && "expires".equals(field)) {
            BigDecimal seconds = number(node, field, "a number of seconds");
            if (seconds.signum() < 0) {
                throw new InvalidDispatchException(field, field + " must not be negative");
            }
            Instant at = StorableTime.plusSeconds(now, seconds);
            if (at == null) {
                throw new InvalidDispatchException(field, field + " must fall " + StorableTime.range());
            }
            return at;
        }
        if (!node.isString()) {
            throw invalid(field, "'" + field + "' must be an ISO-8601 instant"
                    + ("expires".equals(field) ? " or a number of seconds" : ""));
        }
        try {
            return java.time.OffsetDateTime.parse(node.getStringValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(field, "'" + field + "' is not an ISO-8601 instant with "
                    + "an offset, such as 2026-01-31T09:00:00Z: " + node.getStringValue());
        }
    }

    private static MalformedRequestException invalid(String field, String message) {
        return new MalformedRequestException("invalid_field", message, field);
    }
}
