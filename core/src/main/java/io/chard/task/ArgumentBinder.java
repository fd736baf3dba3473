package io.chard.task;

import io.micronaut.core.reflect.ReflectionUtils;
import io.micronaut.core.type.Argument;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds JSON {@code args} (positional) and {@code kwargs} (by parameter name) to a task method's parameters,
 * as Python binds a call. The same binding validates a dispatch and prepares the invocation on a worker, so
 * whatever the API accepted a worker can run.
 */
@Singleton
public final class ArgumentBinder {
    /**
     * How deeply arguments may nest. Redis' cjson refuses more than 1,000 levels inside the scripts, and the
     * recursive readers before it would overflow the stack, so deeper arguments are refused before anything
     * is enqueued.
     */
    public static final int MAX_DEPTH = 100;

    private static final Map<Class<?>, Number[]> INTEGRAL = Map.of(
            Long.class, new Number[]{Long.MIN_VALUE, Long.MAX_VALUE},
            Integer.class, new Number[]{Integer.MIN_VALUE, Integer.MAX_VALUE},
            Short.class, new Number[]{Short.MIN_VALUE, Short.MAX_VALUE},
            Byte.class, new Number[]{Byte.MIN_VALUE, Byte.MAX_VALUE},
            BigInteger.class, new Number[]{null, null});

    private final JsonMapper json;

    public ArgumentBinder(JsonMapper json) {
        this.json = json;
    }

    /** Stands for a value known only later (a workflow predecessor's result): it binds to any parameter. */
    private static final JsonNode LATER = JsonNode.createStringNode("$chard:later$");

    /**
     * Validates a call whose first {@code later} positional arguments come later (a workflow step receiving its
     * predecessor's value, or an error callback its id and error): the arity and every other argument are checked
     * now, the later values bind whatever they will be.
     */
    public void validateWithLaterFirst(ExecutableMethod<?, ?> method, int later, JsonNode args, JsonNode kwargs) {
        List<JsonNode> values = new java.util.ArrayList<>(java.util.Collections.nCopies(later, LATER));
        values.addAll(positional(args));
        bind(method, JsonNode.createArrayNode(values), kwargs, null);
    }

    /**
     * @param context the value for a {@link TaskContext} parameter (null while only validating)
     * @throws ArgumentBindingException naming the parameter that does not bind
     */
    public Object[] bind(ExecutableMethod<?, ?> method, JsonNode args, JsonNode kwargs, TaskContext context) {
        if (depth(args) > MAX_DEPTH || depth(kwargs) > MAX_DEPTH) {
            throw new ArgumentBindingException(null, "arguments must not nest deeper than " + MAX_DEPTH + " levels");
        }
        Argument<?>[] parameters = method.getArguments();
        List<JsonNode> positional = positional(args);
        Map<String, JsonNode> named = named(kwargs);
        Object[] values = new Object[parameters.length];
        Set<String> used = new HashSet<>();
        int nextPositional = 0;
        int bindable = 0;
        int restArgs = -1;
        int restKwargs = -1;
        for (int i = 0; i < parameters.length; i++) {
            Argument<?> parameter = parameters[i];
            if (TaskContext.class.equals(parameter.getType())) {
                values[i] = context;
                continue;
            }
            if (parameter.getAnnotationMetadata().hasAnnotation(AllArgs.class)) {
                restArgs = i;
                continue;
            }
            if (parameter.getAnnotationMetadata().hasAnnotation(AllKwargs.class)) {
                restKwargs = i;
                continue;
            }
            bindable++;
            String name = parameter.getName();
            JsonNode node;
            if (nextPositional < positional.size()) {
                if (named.containsKey(name)) {
                    throw new ArgumentBindingException(name, "got multiple values for argument '" + name + "'");
                }
                node = positional.get(nextPositional++);
            } else if (named.containsKey(name)) {
                node = named.get(name);
                used.add(name);
            } else {
                values[i] = missing(parameter);
                continue;
            }
            values[i] = convert(parameter, node);
        }
        if (restArgs >= 0) {
            values[restArgs] = JsonNode.createArrayNode(positional.subList(nextPositional, positional.size()));
        } else if (nextPositional < positional.size()) {
            throw new ArgumentBindingException(null, "takes " + bindable + " positional argument(s) but "
                    + positional.size() + " were given");
        }
        Map<String, JsonNode> unused = new LinkedHashMap<>(named);
        unused.keySet().removeAll(used);
        if (restKwargs >= 0) {
            values[restKwargs] = JsonNode.createObjectNode(unused);
        } else if (!unused.isEmpty()) {
            String name = unused.keySet().iterator().next();
            throw new ArgumentBindingException(name, "got an unexpected keyword argument '" + name + "'");
        }
        return values;
    }

    private Object missing(Argument<?> parameter) {
        if (Optional.class.equals(parameter.getType())) {
            return Optional.empty();
        }
        if (parameter.isNullable()) {
            return null;
        }
        throw new ArgumentBindingException(parameter.getName(),
                "missing required argument '" + parameter.getName() + "'");
    }

    private Object convert(Argument<?> parameter, JsonNode node) {
        if (node == LATER) {
            return null;
        }
        if (node.isNull()) {
            if (parameter.isNullable() || !parameter.getType().isPrimitive()) {
                return Optional.class.equals(parameter.getType()) ? Optional.empty() : null;
            }
            throw new ArgumentBindingException(parameter.getName(),
                    "argument '" + parameter.getName() + "' must not be null");
        }
        if (!fits(parameter, node)) {
            throw new ArgumentBindingException(parameter.getName(), "argument '" + parameter.getName()
                    + "' expects " + parameter.getTypeString(true) + ", got " + describe(node));
        }
        try {
            Object value = json.readValueFromTree(node, parameter);
            if (value == null) {
                throw new IOException("no value");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new ArgumentBindingException(parameter.getName(), "argument '" + parameter.getName()
                    + "' expects " + parameter.getTypeString(true) + ", got " + describe(node));
        }
    }

    /**
     * Whether the mapper would bind {@code node} to {@code type} without changing it: it would otherwise turn
     * 1.5 into 1 and true into 1 for an {@code int} parameter, and a task would run with a value nobody sent.
     * Containers are checked element by element; types without a JSON counterpart are left to the mapper.
     */
    private static boolean fits(Argument<?> type, JsonNode node) {
        if (node.isNull()) {
            return true;
        }
        Class<?> target = ReflectionUtils.getWrapperType(type.getType());
        Number[] range = INTEGRAL.get(target);
        if (range != null) {
            return node.isNumber() && integral(node, range);
        }
        if (target == Double.class || target == Float.class || target == BigDecimal.class) {
            return node.isNumber() && finite(node);
        }
        if (target == Boolean.class) {
            return node.isBoolean();
        }
        Argument<?>[] parameters = type.getTypeParameters();
        if (target == Optional.class && parameters.length == 1) {
            return fits(parameters[0], node);
        }
        if (Iterable.class.isAssignableFrom(target) && parameters.length == 1 && node.isArray()) {
            for (JsonNode element : node.values()) {
                if (!fits(parameters[0], element)) {
                    return false;
                }
            }
        }
        if (Map.class.isAssignableFrom(target) && parameters.length == 2 && node.isObject()) {
            for (JsonNode value : node.values()) {
                if (!fits(parameters[1], value)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A whole number inside {@code range} (null bounds: unbounded); 2.0 is whole, 1e400 is not a number. */
    private static boolean integral(JsonNode node, Number[] range) {
        if (!finite(node)) {
            return false;
        }
        BigDecimal value = node.getBigDecimalValue();
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            return false;
        }
        return range[0] == null || (value.compareTo(BigDecimal.valueOf(range[0].longValue())) >= 0
                && value.compareTo(BigDecimal.valueOf(range[1].longValue())) <= 0);
    }

    private static boolean finite(JsonNode node) {
        try {
            node.getBigDecimalValue();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The deepest nesting of arrays and objects in {@code node}; a scalar is 0. */
    /** Whether a parameter takes an argument of its own (not the context, nor the rest of the arguments). */
    static boolean bindable(Argument<?> parameter) {
        return !TaskContext.class.equals(parameter.getType())
                && !parameter.getAnnotationMetadata().hasAnnotation(AllArgs.class)
                && !parameter.getAnnotationMetadata().hasAnnotation(AllKwargs.class);
    }

    static int depth(JsonNode node) {
        if (node == null || !(node.isArray() || node.isObject())) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node.values()) {
            deepest = Math.max(deepest, depth(child));
            if (deepest > MAX_DEPTH) {
                break;
            }
        }
        return deepest + 1;
    }

    private static String describe(JsonNode node) {
        if (node.isString()) return "a string";
        if (node.isNumber()) return "the number " + node.getNumberValue();
        if (node.isBoolean()) return "a boolean";
        if (node.isArray()) return "an array";
        if (node.isObject()) return "an object";
        return "null";
    }

    private static List<JsonNode> positional(JsonNode args) {
        if (args == null || args.isNull()) {
            return List.of();
        }
        if (!args.isArray()) {
            throw new ArgumentBindingException(null, "'args' must be a JSON array");
        }
        var list = new ArrayList<JsonNode>(args.size());
        args.values().forEach(list::add);
        return list;
    }

    private static Map<String, JsonNode> named(JsonNode kwargs) {
        if (kwargs == null || kwargs.isNull()) {
            return Map.of();
        }
        if (!kwargs.isObject()) {
            throw new ArgumentBindingException(null, "'kwargs' must be a JSON object");
        }
        var map = new LinkedHashMap<String, JsonNode>();
        kwargs.entries().forEach(entry -> map.put(entry.getKey(), entry.getValue()));
        return map;
    }
}
