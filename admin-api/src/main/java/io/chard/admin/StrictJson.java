package io.chard.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.chard.task.ArgumentBinder;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.math.BigDecimal;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reads a request body that must be exactly one JSON value: a first pass with Jackson's streaming parser refuses
 * trailing data after the value (the mapper alone stops at the value's end and ignores the rest) and nesting
 * deeper than {@link #MAX_DEPTH} (bounded before any recursive reader sees it), then the mapper builds the tree;
 * {@link #bind} then holds it to a record's fields and their types.
 */
public final class StrictJson {
    /** The body's object and the arguments' array, plus the depth arguments may have. */
    static final int MAX_DEPTH = ArgumentBinder.MAX_DEPTH + 2;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private static final Map<Class<?>, Map<String, Type>> FIELDS = new ConcurrentHashMap<>();

    private StrictJson() {
    }

    /**
     * A request body read as {@code type}, strictly: a JSON object whose every field is one of the record's (400
     * {@code unknown_field}) and holds null or a value of the field's JSON type (400 {@code invalid_field}); then
     * bound by the mapper as a {@code @Body} would be. Bound by the framework alone, {@code "dry_run": "yes"} read
     * as false and a misspelt {@code "id"} was dropped, so a bulk retry asked to count retried every failure; the
     * dispatch body has always been read this way ({@link DispatchBody}).
     */
    public static <T extends Record> T bind(String body, JsonMapper json, Class<T> type) {
        JsonNode root = read(body, json);
        if (root == null || !root.isObject()) {
            throw new MalformedRequestException("malformed_json", "the body must be a JSON object");
        }
        Map<String, Type> fields = FIELDS.computeIfAbsent(type, StrictJson::fields);
        root.entries().forEach(entry -> {
            Type expected = fields.get(entry.getKey());
            if (expected == null) {
                throw new MalformedRequestException("unknown_field", "unknown field '" + entry.getKey()
                        + "'; expected one of " + fields.keySet(), entry.getKey());
            }
            String wanted = mismatch(entry.getValue(), expected);
            if (wanted != null) {
                throw new MalformedRequestException("invalid_field", "'" + entry.getKey() + "' must be " + wanted,
                        entry.getKey());
            }
        });
        try {
            // From the text, not the tree: the tree holds 1e400 as an infinite double, which a BigDecimal refuses.
            return json.readValue(body, type);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequestException("malformed_json", "the body could not be read: " + e.getMessage());
        }
    }

    /** The record's fields by their JSON names (snake_case where the record's serde naming says so). */
    private static Map<String, Type> fields(Class<?> type) {
        Serdeable serde = type.getAnnotation(Serdeable.class);
        boolean snake = serde != null && serde.naming() == SnakeCaseStrategy.class;
        return Arrays.stream(type.getRecordComponents()).collect(Collectors.toUnmodifiableMap(
                component -> snake ? snakeCase(component.getName()) : component.getName(),
                RecordComponent::getGenericType));
    }

    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The integer types by their largest value. */
    private static final Map<Type, BigDecimal> WHOLE_NUMBERS = Map.of(
            Integer.class, BigDecimal.valueOf(Integer.MAX_VALUE), int.class, BigDecimal.valueOf(Integer.MAX_VALUE),
            Long.class, BigDecimal.valueOf(Long.MAX_VALUE), long.class, BigDecimal.valueOf(Long.MAX_VALUE));

    private static boolean fitsWhole(JsonNode value, BigDecimal max) {
        BigDecimal number;
        try {
            number = value.getBigDecimalValue();
        } catch (NumberFormatException infinite) {
            return false; // 1e400, read into the tree as an infinite double
        }
        return number.signum() == 0 || number.stripTrailingZeros().scale() <= 0
                && number.compareTo(max) <= 0 && number.compareTo(max.negate().subtract(BigDecimal.ONE)) >= 0;
    }

    /** What {@code value} should have been, or null when it fits the field's type (null fits every field). */
    private static String mismatch(JsonNode value, Type expected) {
        if (value.isNull()) {
            return null;
        }
        if (expected == String.class || expected == UUID.class) {
            return value.isString() ? null : "a string";
        }
        if (expected == Boolean.class || expected == boolean.class) {
            return value.isBoolean() ? null : "true or false";
        }
        if (WHOLE_NUMBERS.containsKey(expected)) {
            // A fraction was cut off by the binder (priority 5.5 stored as 5): refused, as a dispatch refuses it.
            return value.isNumber() && fitsWhole(value, WHOLE_NUMBERS.get(expected))
                    ? null : "a whole number from " + WHOLE_NUMBERS.get(expected).negate().subtract(BigDecimal.ONE)
                    + " to " + WHOLE_NUMBERS.get(expected);
        }
        if (expected instanceof Class<?> number && (Number.class.isAssignableFrom(number) || number.isPrimitive())) {
            return value.isNumber() ? null : "a number";
        }
        if (expected instanceof ParameterizedType list && list.getRawType() == List.class) {
            if (!value.isArray()) {
                return "an array";
            }
            Type element = list.getActualTypeArguments()[0];
            for (JsonNode item : value.values()) {
                if (mismatch(item, element) != null) {
                    return "an array of " + (element == String.class || element == UUID.class ? "strings" : element);
                }
            }
        }
        return null;
    }

    /** The body's value, or null for an empty body; a {@link MalformedRequestException} for anything else. */
    static JsonNode read(String body, JsonMapper json) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            parser.nextToken();
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new MalformedRequestException("malformed_json",
                        "the body must hold one JSON value; data follows it at " + location(parser));
            }
        } catch (StreamConstraintsException e) {
            throw new MalformedRequestException("malformed_json",
                    "the body nests deeper than " + MAX_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            throw new MalformedRequestException("malformed_json", "the body is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + " at " + location(e));
        } catch (IOException e) {
            throw new MalformedRequestException("malformed_json", "the body is not valid JSON");
        }
        try {
            return json.readValue(body, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequestException("malformed_json", "the body is not valid JSON");
        }
    }

    private static String location(JsonParser parser) {
        return "line " + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "an unknown place"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
