package io.chard.task;

import io.chard.config.QueueLimitConfig;
import jakarta.inject.Singleton;

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
     * queue's, which covers every task of the queue, else the task's; empty when neither is limited.
     */
    public Optional<String> pin(TaskDefinition task, String queue) {
        if (queues.getOrDefault(queue, FlowLimit.NONE).limited()) {
            return Optional.of(FlowLimit.ofQueue(queue));
        }
        return task.options().limit().limited() ? Optional.of(FlowLimit.ofTask(task.name())) : Optional.empty();
    }

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
