package io.chard.admin;

import io.chard.history.ExecutionRecord;
import io.chard.task.Redaction;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hides the arguments a task declares secret ({@code @Task(redact)}) in every execution the API answers: the list,
 * the detail, the live stream and the task API's read; and in a schedule's arguments, to those who cannot manage it. Shape is kept (how many arguments, which names), values are
 * not. Applied on the way out, not when stored: a retry dispatches the original arguments again from the history.
 * A task unknown to this process (not on admin-api's classpath, where it must be to be dispatched over HTTP) hides
 * nothing.
 */
@Singleton
public final class Redactor {
    private static final JsonNode HIDDEN = JsonNode.createStringNode(Redaction.PLACEHOLDER);
    private final TaskRegistry registry;
    private final JsonMapper json;

    Redactor(TaskRegistry registry, JsonMapper json) {
        this.registry = registry;
        this.json = json;
    }

    ExecutionDetail detail(ExecutionDetail detail) {
        Redaction redaction = of(detail.taskName());
        return redaction.any() ? detail.withArguments(args(detail.args(), redaction), kwargs(detail.kwargs(), redaction))
                : detail;
    }

    /** {@code task}'s positional arguments as shown. */
    public @Nullable JsonNode args(@Nullable String task, @Nullable JsonNode args) {
        Redaction redaction = of(task);
        return redaction.any() ? args(args, redaction) : args;
    }

    /** {@code task}'s keyword arguments as shown. */
    public @Nullable JsonNode kwargs(@Nullable String task, @Nullable JsonNode kwargs) {
        Redaction redaction = of(task);
        return redaction.any() ? kwargs(kwargs, redaction) : kwargs;
    }

    ExecutionSummary summary(ExecutionRecord row) {
        Redaction redaction = of(row.taskName());
        if (!redaction.any() || row.args() == null) {
            return ExecutionSummary.of(row, row.args());
        }
        try {
            return ExecutionSummary.of(row, json.writeValueAsString(args(json.readValue(row.args(), JsonNode.class),
                    redaction)));
        } catch (IOException e) {
            return ExecutionSummary.of(row, Redaction.PLACEHOLDER);
        }
    }

    /** The tasks whose arguments may not be searched: a match would tell a hidden value. */
    List<String> tasksHidingArguments() {
        return registry.all().stream().filter(task -> task.options().redaction().any()).map(TaskDefinition::name)
                .sorted().toList();
    }

    private Redaction of(@Nullable String task) {
        return task == null ? Redaction.NONE
                : registry.find(task).map(definition -> definition.options().redaction()).orElse(Redaction.NONE);
    }

    private static @Nullable JsonNode args(@Nullable JsonNode args, Redaction redaction) {
        if (args == null || !args.isArray()) {
            return args == null || args.isNull() ? args : HIDDEN;
        }
        List<JsonNode> shown = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            shown.add(redaction.hidesPosition(i) ? HIDDEN : args.get(i));
        }
        return JsonNode.createArrayNode(shown);
    }

    private static @Nullable JsonNode kwargs(@Nullable JsonNode kwargs, Redaction redaction) {
        if (kwargs == null || !kwargs.isObject()) {
            return kwargs == null || kwargs.isNull() ? kwargs : HIDDEN;
        }
        Map<String, JsonNode> shown = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : kwargs.entries()) {
            shown.put(entry.getKey(), redaction.hidesName(entry.getKey()) ? HIDDEN : entry.getValue());
        }
        return JsonNode.createObjectNode(shown);
    }
}
