package io.chard.admin;

import io.chard.client.DispatchRequest;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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

    static DispatchRequest read(String body, JsonMapper json, Instant now) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : json.readValue(body, JsonNode.class);
        } catch (Exception e) {
            throw new MalformedRequestException("malformed_json", "the body is not valid JSON: " + firstLine(e));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedRequestException("malformed_json", "the body must be a JSON object");
        }
        root.entries().forEach(entry -> {
            if (!FIELDS.contains(entry.getKey())) {
                throw new MalformedRequestException("unknown_field", "unknown field '" + entry.getKey()
                        + "'; expected one of " + FIELDS);
            }
        });
        JsonNode task = root.get("task");
        if (task == null || !task.isString() || task.getStringValue().isBlank()) {
            throw new MalformedRequestException("invalid_field", "'task' must be a non-empty string");
        }
        JsonNode priority = root.get("priority");
        return new DispatchRequest(task.getStringValue(), present(root.get("args")), present(root.get("kwargs")),
                string(root, "queue"),
                priority == null || priority.isNull() ? null : integer(priority, "priority"),
                seconds(root.get("countdown"), "countdown"),
                instant(root.get("eta"), "eta", now),
                instant(root.get("expires"), "expires", now),
                string(root, "idempotency_key"), null);
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
            throw new MalformedRequestException("invalid_field", "'" + field + "' must be a string");
        }
        return node.getStringValue();
    }

    private static int integer(JsonNode node, String field) {
        if (!node.isNumber() || node.getBigDecimalValue().stripTrailingZeros().scale() > 0) {
            throw new MalformedRequestException("invalid_field", "'" + field + "' must be an integer");
        }
        return node.getIntValue();
    }

    private static Duration seconds(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw new MalformedRequestException("invalid_field", "'" + field + "' must be a number of seconds");
        }
        BigDecimal seconds = node.getBigDecimalValue();
        return Duration.ofMillis(seconds.movePointRight(3).longValue());
    }

    /** An ISO-8601 instant, or (for {@code expires}) a number of seconds from now. */
    private static Instant instant(JsonNode node, String field, Instant now) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber() && "expires".equals(field)) {
            return now.plus(seconds(node, field));
        }
        if (!node.isString()) {
            throw new MalformedRequestException("invalid_field", "'" + field + "' must be an ISO-8601 instant"
                    + ("expires".equals(field) ? " or a number of seconds" : ""));
        }
        try {
            return java.time.OffsetDateTime.parse(node.getStringValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw new MalformedRequestException("invalid_field", "'" + field + "' is not an ISO-8601 instant with "
                    + "an offset, such as 2026-01-31T09:00:00Z: " + node.getStringValue());
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
