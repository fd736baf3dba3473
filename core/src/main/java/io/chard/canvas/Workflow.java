package io.chard.canvas;

import io.micronaut.json.tree.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java builder of canvas workflows, Celery's names: {@code chain(task("a", 1), task("b"))},
 * {@code chord(group(...), task("sum"))}. Arguments are JSON-like values: null, strings, numbers, booleans, lists,
 * maps with string keys, or {@link JsonNode}s.
 */
public final class Workflow {

    private Workflow() {
    }

    public static Canvas.Signature task(String name, Object... args) {
        return new Canvas.Signature(name, json(Arrays.asList(args)), null, false, null, null, null, null,
                null);
    }

    public static Canvas.Chain chain(Canvas... steps) {
        return new Canvas.Chain(List.of(steps));
    }

    public static Canvas.Group group(Canvas... members) {
        return new Canvas.Group(List.of(members));
    }

    public static Canvas.Chord chord(Canvas.Group group, Canvas then) {
        return new Canvas.Chord(group, then, false);
    }

    /** A chord whose callback runs even when members failed, with error entries in their slots. */
    public static Canvas.Chord chordCallingOnFailure(Canvas.Group group, Canvas then) {
        return new Canvas.Chord(group, then, true);
    }

    /** A group running {@code task} once per item, the item its only argument. */
    public static Canvas.Map map(String task, Object... items) {
        return new Canvas.Map(task, Arrays.stream(items).map(Workflow::json).toList(), false);
    }

    /** A group running {@code task} once per argument list. */
    public static Canvas.Map starmap(String task, List<?>... argumentLists) {
        return new Canvas.Map(task, Arrays.stream(argumentLists).map(Workflow::json).toList(), true);
    }

    /**
     * A group of one execution per {@code size} argument lists, each running {@code task} over its lists in order
     * and returning the list of their results.
     */
    public static Canvas.Chunks chunks(String task, List<? extends List<?>> argumentLists, int size) {
        return new Canvas.Chunks(task, argumentLists.stream().map(Workflow::json).toList(), size);
    }

    /** A JSON tree of a JSON-like Java value. */
    public static JsonNode json(Object value) {
        return switch (value) {
            case null -> JsonNode.nullNode();
            case JsonNode node -> node;
            case String s -> JsonNode.createStringNode(s);
            case Boolean b -> JsonNode.createBooleanNode(b);
            case Integer i -> JsonNode.createNumberNode(i);
            case Long l -> JsonNode.createNumberNode(l);
            case Double d -> JsonNode.createNumberNode(d);
            case Float f -> JsonNode.createNumberNode(f);
            case BigDecimal d -> JsonNode.createNumberNode(d);
            case BigInteger i -> JsonNode.createNumberNode(i);
            case Number n -> JsonNode.createNumberNode(n.longValue());
            case List<?> list -> {
                List<JsonNode> nodes = new ArrayList<>(list.size());
                list.forEach(item -> nodes.add(json(item)));
                yield JsonNode.createArrayNode(nodes);
            }
            case Map<?, ?> map -> {
                Map<String, JsonNode> nodes = new LinkedHashMap<>();
                map.forEach((k, v) -> nodes.put(String.valueOf(k), json(v)));
                yield JsonNode.createObjectNode(nodes);
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        };
    }
}
