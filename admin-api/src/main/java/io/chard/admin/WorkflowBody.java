package io.chard.admin;

import io.chard.canvas.Canvas;
import io.chard.canvas.InvalidWorkflowException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the canvas JSON of {@code POST /api/background_tasks/workflows} into a {@link Canvas}, refusing a malformed
 * node with its JSON path ({@code $.chord.group[1]}). Tasks and arguments are checked by the planner, with the same
 * paths.
 */
final class WorkflowBody {
    private static final Set<String> SIGNATURE = Set.of("task", "args", "kwargs", "immutable", "options", "link",
            "link_error");
    private static final Set<String> OPTIONS = Set.of("queue", "priority", "countdown");

    private WorkflowBody() {
    }

    static Canvas read(String body, JsonMapper json) {
        JsonNode root = StrictJson.read(body, json);
        return node(root, "$");
    }

    private static Canvas node(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw invalid(path,
                    "a node must be a JSON object: a signature, chain, group, chord, map, starmap or chunks");
        }
        if (node.get("task") != null) {
            return signature(node, path);
        }
        if (node.size() != 1) {
            throw invalid(path, "a composite node has exactly one key: chain, group, chord, map, starmap or chunks");
        }
        Map.Entry<String, JsonNode> entry = node.entries().iterator().next();
        String key = entry.getKey();
        JsonNode value = entry.getValue();
        return switch (key) {
            case "chain" -> new Canvas.Chain(list(value, path + ".chain"));
            case "group" -> new Canvas.Group(list(value, path + ".group"));
            case "chord" -> chord(value, path + ".chord");
            case "map" -> map(value, path + ".map", false);
            case "starmap" -> map(value, path + ".starmap", true);
            case "chunks" -> chunks(value, path + ".chunks");
            default -> throw invalid(path, "unknown node '" + key + "'");
        };
    }

    private static List<Canvas> list(JsonNode value, String path) {
        if (value == null || !value.isArray() || value.size() == 0) {
            throw invalid(path, "must be a non-empty array of nodes");
        }
        List<Canvas> nodes = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            nodes.add(node(value.get(i), path + "[" + i + "]"));
        }
        return nodes;
    }

    private static Canvas chord(JsonNode value, String path) {
        if (value == null || !value.isObject() || value.get("group") == null || value.get("then") == null) {
            throw invalid(path, "a chord is {\"group\": [...], \"then\": node, \"on_member_failure\": \"fail\"|\"call\"}");
        }
        JsonNode mode = value.get("on_member_failure");
        boolean call = false;
        if (mode != null && !mode.isNull()) {
            if (!mode.isString() || !Set.of("fail", "call").contains(mode.getStringValue())) {
                throw invalid(path + ".on_member_failure", "must be \"fail\" or \"call\"");
            }
            call = mode.getStringValue().equals("call");
        }
        return new Canvas.Chord(new Canvas.Group(list(value.get("group"), path + ".group")),
                node(value.get("then"), path + ".then"), call);
    }

    /**
     * {@code {"map" | "starmap": {"task", "items"}}}: one member per item, the item its only argument (map) or its
     * argument list (starmap).
     */
    private static Canvas map(JsonNode value, String path, boolean spread) {
        return new Canvas.Map(taskName(value, path), items(value, path), spread);
    }

    /** {@code {"chunks": {"task", "items", "size"}}}: one execution per {@code size} argument lists. */
    private static Canvas chunks(JsonNode value, String path) {
        String task = taskName(value, path);
        List<JsonNode> items = items(value, path);
        JsonNode size = value.get("size");
        int each = size == null ? 0 : wholeInt(size, path + ".size", "a positive integer");
        if (each < 1) {
            throw invalid(path + ".size", "must be a positive integer");
        }
        return new Canvas.Chunks(task, items, each);
    }

    private static String taskName(JsonNode value, String path) {
        JsonNode task = value == null || !value.isObject() ? null : value.get("task");
        if (task == null || !task.isString() || task.getStringValue().isBlank()) {
            throw invalid(path + ".task", "must be a non-empty string");
        }
        return task.getStringValue();
    }

    private static List<JsonNode> items(JsonNode value, String path) {
        JsonNode items = value.get("items");
        if (items == null || !items.isArray() || items.size() == 0) {
            throw invalid(path + ".items", "must be a non-empty array");
        }
        List<JsonNode> all = new ArrayList<>();
        items.values().forEach(all::add);
        return all;
    }

    private static Canvas signature(JsonNode node, String path) {
        node.entries().forEach(entry -> {
            if (!SIGNATURE.contains(entry.getKey())) {
                throw invalid(path + "." + entry.getKey(), "unknown field; a signature has " + SIGNATURE);
            }
        });
        JsonNode task = node.get("task");
        if (!task.isString() || task.getStringValue().isBlank()) {
            throw invalid(path + ".task", "must be a non-empty string");
        }
        JsonNode args = present(node.get("args"));
        if (args != null && !args.isArray()) {
            throw invalid(path + ".args", "must be an array");
        }
        JsonNode kwargs = present(node.get("kwargs"));
        if (kwargs != null && !kwargs.isObject()) {
            throw invalid(path + ".kwargs", "must be an object");
        }
        JsonNode immutable = present(node.get("immutable"));
        if (immutable != null && !immutable.isBoolean()) {
            throw invalid(path + ".immutable", "must be a boolean");
        }
        String queue = null;
        Integer priority = null;
        Duration countdown = null;
        JsonNode options = present(node.get("options"));
        if (options != null) {
            if (!options.isObject()) {
                throw invalid(path + ".options", "must be an object");
            }
            for (Map.Entry<String, JsonNode> option : options.entries()) {
                String at = path + ".options." + option.getKey();
                JsonNode v = option.getValue();
                if (!OPTIONS.contains(option.getKey())) {
                    throw invalid(at, "unknown option; expected one of " + OPTIONS);
                }
                switch (option.getKey()) {
                    case "queue" -> {
                        if (!v.isString()) {
                            throw invalid(at, "must be a string");
                        }
                        queue = v.getStringValue();
                    }
                    case "priority" -> priority = wholeInt(v, at, "an integer");
                    default -> {
                        BigDecimal seconds = number(v, at, "a number of seconds, 0 to 1e9");
                        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
                            throw invalid(at, "must be a number of seconds, 0 to 1e9");
                        }
                        countdown = Duration.ofMillis(seconds.movePointRight(3).longValue());
                    }
                }
            }
        }
        JsonNode link = present(node.get("link"));
        JsonNode linkError = present(node.get("link_error"));
        return new Canvas.Signature(task.getStringValue(), args, kwargs, immutable != null && immutable.getBooleanValue(),
                queue, priority, countdown, link == null ? null : node(link, path + ".link"),
                linkError == null ? null : node(linkError, path + ".link_error"));
    }

    /** A finite JSON number: 1e400 parses as infinity, whose BigDecimal throws (it was answered 500). */
    private static BigDecimal number(JsonNode node, String at, String what) {
        if (!node.isNumber()) {
            throw invalid(at, "must be " + what);
        }
        try {
            return node.getBigDecimalValue();
        } catch (RuntimeException e) {
            throw invalid(at, "must be " + what + ", and finite");
        }
    }

    /** A whole number that fits an int unchanged: 4294967301 was cut to 5 and taken. */
    private static int wholeInt(JsonNode node, String at, String what) {
        BigDecimal value = number(node, at, what);
        try {
            return value.stripTrailingZeros().intValueExact();
        } catch (ArithmeticException e) {
            throw invalid(at, "must be " + what + " (got " + value.toPlainString() + ")");
        }
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static InvalidWorkflowException invalid(String path, String message) {
        return new InvalidWorkflowException(path, message, null);
    }
}
