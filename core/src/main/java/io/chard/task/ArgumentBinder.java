package io.chard.task;

import io.micronaut.core.type.Argument;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
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
    private final JsonMapper json;

    public ArgumentBinder(JsonMapper json) {
        this.json = json;
    }

    /**
     * @param context the value for a {@link TaskContext} parameter (null while only validating)
     * @throws ArgumentBindingException naming the parameter that does not bind
     */
    public Object[] bind(ExecutableMethod<?, ?> method, JsonNode args, JsonNode kwargs, TaskContext context) {
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
        if (node.isNull()) {
            if (parameter.isNullable() || !parameter.getType().isPrimitive()) {
                return Optional.class.equals(parameter.getType()) ? Optional.empty() : null;
            }
            throw new ArgumentBindingException(parameter.getName(),
                    "argument '" + parameter.getName() + "' must not be null");
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
