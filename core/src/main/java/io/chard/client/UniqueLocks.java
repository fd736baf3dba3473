package io.chard.client;

import io.chard.broker.UniqueLock;
import io.chard.task.FlowLimits;
import io.chard.task.TaskDefinition;
import io.chard.task.Uniqueness;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives a unique task's lock from a dispatch: the SHA-256 of the canonical JSON (object members sorted by name,
 * no spaces) of {@code {"key":..,"queue":..}}, where the key is the whole call ({@code {"args":[..],"kwargs":{..}}},
 * missing ones as empty) or the one argument the task names, so two dispatches that differ only in the order of
 * their named arguments meet. A lock holds per queue (as Sidekiq's unique jobs and BullMQ's per-queue
 * de-duplication do): the queue's limit then pins every dispatch of one lock to one partition, where the lock and
 * the limit are both counted (see {@link TaskClient}'s placement).
 */
final class UniqueLocks {
    private final JsonMapper json;

    UniqueLocks(JsonMapper json) {
        this.json = json;
    }

    /** The dispatch's lock, or null when the task is not unique; {@code request} has its queue settled. */
    @Nullable
    UniqueLock of(TaskDefinition task, DispatchRequest request) {
        Uniqueness uniqueness = task.options().uniqueness();
        if (!uniqueness.unique()) {
            return null;
        }
        JsonNode args = request.args() == null ? JsonNode.createArrayNode(List.of()) : request.args();
        JsonNode kwargs = request.kwargs() == null ? JsonNode.createObjectNode(Map.of()) : request.kwargs();
        JsonNode key = uniqueness.keyParameter() == null
                ? JsonNode.createObjectNode(Map.of("args", args, "kwargs", kwargs))
                : argument(args, kwargs, uniqueness);
        StringBuilder canonical = new StringBuilder();
        write(JsonNode.createObjectNode(Map.of("key", key, "queue", JsonNode.createStringNode(request.queue()))),
                canonical);
        String name = "u:" + task.name().length() + ":" + task.name() + ":" + sha256(canonical.toString());
        return new UniqueLock(name, uniqueness.lifetime(), uniqueness.ttl());
    }

    /** The named argument as the binder takes it: by position while positional arguments reach it, else by name. */
    private static JsonNode argument(JsonNode args, JsonNode kwargs, Uniqueness uniqueness) {
        JsonNode value = null;
        if (args.isArray() && args.size() > uniqueness.keyPosition()) {
            value = args.get(uniqueness.keyPosition());
        } else if (kwargs.isObject()) {
            value = kwargs.get(uniqueness.keyParameter());
        }
        return value == null ? JsonNode.nullNode() : value;
    }

    private void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.entries().forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
            out.append('{');
            String separator = "";
            for (Map.Entry<String, JsonNode> entry : sorted.entrySet()) {
                out.append(separator).append(scalar(JsonNode.createStringNode(entry.getKey()))).append(':');
                write(entry.getValue(), out);
                separator = ",";
            }
            out.append('}');
        } else if (node.isArray()) {
            List<JsonNode> values = new ArrayList<>();
            node.values().forEach(values::add);
            out.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(values.get(i), out);
            }
            out.append(']');
        } else {
            out.append(scalar(node));
        }
    }

    private String scalar(JsonNode node) {
        if (node.isNumber()) {
            return FlowLimits.numberText(node);
        }
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
