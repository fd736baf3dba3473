package io.chard.canvas;

import io.chard.task.ArgumentBinder;
import io.chard.task.Task;
import io.chard.task.TaskContext;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskRegistry;
import io.micronaut.context.BeanContext;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * The execution behind each member of a {@code chunks} node (Celery's semantics): runs one task over its items in
 * order, in this one execution, and returns the list of their results. The first item that throws fails the chunk;
 * the items before it are not reported (a retry or redrive runs the whole chunk again).
 */
@Singleton
public class ChunkTask {
    /** The built-in task a chunk member runs; its arguments are the task's name and the chunk's items. */
    public static final String NAME = "background_tasks.chunk";

    private final TaskRegistry registry;
    private final ArgumentBinder binder;
    private final BeanContext beans;

    public ChunkTask(TaskRegistry registry, ArgumentBinder binder, BeanContext beans) {
        this.registry = registry;
        this.binder = binder;
        this.beans = beans;
    }

    /** @param items each item the task's positional arguments (a JSON array) */
    @Task(NAME)
    @SuppressWarnings("unchecked")
    public List<Object> run(String task, List<JsonNode> items, TaskContext context) {
        TaskDefinition definition = registry.require(task);
        Object bean = beans.getBean(definition.bean());
        List<Object> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            context.checkCancelled();
            Object[] arguments = binder.bind(definition.method(), items.get(i), null, context);
            results.add(((ExecutableMethod<Object, Object>) definition.method()).invoke(bean, arguments));
            context.progress((i + 1) * 100 / items.size(), "item " + (i + 1) + " of " + items.size());
        }
        return results;
    }
}
