package io.chard.task;

import io.chard.config.QueueLimitConfig;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rate limits and concurrency caps this process knows: its tasks' ({@link Task#rateLimit()},
 * {@link Task#concurrency()}) and the configured queues' ({@link QueueLimitConfig}). A malformed one stops
 * start-up with an error naming its task or queue.
 */
@Singleton
public final class FlowLimits {
    private final TaskRegistry registry;
    private final Map<String, FlowLimit> queues = new LinkedHashMap<>();

    public FlowLimits(TaskRegistry registry, List<QueueLimitConfig> queues) {
        this.registry = registry;
        for (QueueLimitConfig queue : queues) {
            try {
                this.queues.put(queue.name(), FlowLimit.parse(queue.rateLimit(),
                        queue.concurrency() == null ? -1 : queue.concurrency()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("queue '" + queue.name() + "': " + e.getMessage(), e);
            }
        }
    }

    /**
     * The limit an execution of {@code task} on {@code queue} is pinned by (its partition is that name's): the
     * queue's, which covers every task of the queue, else its key's or its task's; empty when none is limited.
     */
    public Optional<String> pin(TaskDefinition task, String queue, JsonNode args, JsonNode kwargs) {
        if (queues.getOrDefault(queue, FlowLimit.NONE).limited()) {
            return Optional.of(FlowLimit.ofQueue(queue));
        }
        Optional<String> key = key(task, args, kwargs);
        if (key.isPresent()) {
            return Optional.of(FlowLimit.ofKey(task.name(), key.get()));
        }
        return task.options().limit().limited() ? Optional.of(FlowLimit.ofTask(task.name())) : Optional.empty();
    }

    /**
     * A per-key limit's key for these arguments: the argument's text (a string as it is, a number in its decimal
     * form), "" when it is missing or null; empty when the task's limits are not per key.
     */
    public Optional<String> key(TaskDefinition task, JsonNode args, JsonNode kwargs) {
        FlowLimit.Key key = task.options().limit().key();
        if (key == null) {
            return Optional.empty();
        }
        JsonNode value = kwargs != null && kwargs.isObject() ? kwargs.get(key.parameter()) : null;
        if (value == null && args != null && args.isArray() && key.position() < args.size()) {
            value = args.get(key.position());
        }
        if (value == null || value.isNull()) {
            return Optional.of("");
        }
        return Optional.of(value.isString() ? value.getStringValue()
                : value.isNumber() ? numberText(value) : value.toString());
    }

    /**
     * A number's text for a key: a whole number as an integer, however it was written (1, 1.0 and 1e0 bind to the
     * same long, so they are one key; workflow.lua's wf_limit_key strips a zero fraction likewise), else its
     * decimal form. A whole number of more than {@value #WHOLE_DIGITS} digits keeps its own text: no argument binds
     * it, and writing out 1e999999999 would take the dispatching thread's memory and time.
     */
    public static String numberText(JsonNode number) {
        if (number.getNumberValue() instanceof Long || number.getNumberValue() instanceof Integer
                || number.getNumberValue() instanceof BigInteger) {
            return number.getNumberValue().toString();
        }
        try {
            BigDecimal value = number.getBigDecimalValue().stripTrailingZeros();
            if (value.scale() <= 0 && value.precision() - value.scale() <= WHOLE_DIGITS) {
                return value.toBigInteger().toString();
            }
        } catch (NumberFormatException notFinite) {
            // NaN or infinite: its own text
        }
        return number.getNumberValue().toString();
    }

    private static final int WHOLE_DIGITS = 40;

    /**
     * Every limit by its Redis name, {@link FlowLimit#NONE} for this process's tasks and configured queues without
     * one, so writing them also lifts a limit that was removed.
     */
    public Map<String, FlowLimit> declared() {
        Map<String, FlowLimit> all = new LinkedHashMap<>();
        queues.forEach((queue, limit) -> all.put(FlowLimit.ofQueue(queue), limit));
        for (TaskDefinition task : registry.all()) {
            all.put(FlowLimit.ofTask(task.name()), task.options().limit());
        }
        return all;
    }
}
