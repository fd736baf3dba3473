package io.chard.task;

import io.chard.config.ChardConfig;
import io.micronaut.context.processor.ExecutableMethodProcessor;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.type.Argument;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.ExecutableMethod;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks of this process, keyed by name. Micronaut hands every {@link Task} method to this processor at
 * start-up from metadata written at compile time: no classpath scanning, and no task bean is created until
 * a worker first runs it.
 */
@Singleton
public final class TaskRegistry implements ExecutableMethodProcessor<Task> {
    private final Map<String, TaskDefinition> tasks = new ConcurrentHashMap<>();
    private final ChardConfig config;

    public TaskRegistry(ChardConfig config) {
        this.config = config;
    }

    @Override
    public void process(BeanDefinition<?> bean, ExecutableMethod<?, ?> method) {
        AnnotationValue<Task> task = method.getAnnotation(Task.class);
        if (task == null) {
            return;
        }
        String name = task.stringValue().orElseThrow();
        TaskDefinition definition = new TaskDefinition(name, options(name, task, method), bean, method);
        TaskDefinition previous = tasks.putIfAbsent(name, definition);
        if (previous != null && !previous.method().equals(method)) {
            throw new IllegalStateException("task name '" + name + "' is declared twice: by "
                    + describe(previous) + " and by " + describe(definition));
        }
    }

    public Optional<TaskDefinition> find(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    public TaskDefinition require(String name) {
        return find(name).orElseThrow(() -> new UnknownTaskException(name));
    }

    public Collection<TaskDefinition> all() {
        return List.copyOf(tasks.values());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private TaskOptions options(String name, AnnotationValue<Task> task, ExecutableMethod<?, ?> method) {
        String queue = task.stringValue("queue").filter(q -> !q.isBlank()).orElse(null);
        int priority = task.intValue("priority").orElse(-1);
        int maxRetries = task.intValue("maxRetries").orElse(-1);
        List<Class<? extends Throwable>> autoretryFor = (List) Arrays.asList(task.classValues("autoretryFor"));
        Backoff backoff = new Backoff.Exponential(
                seconds(task, "retryBackoff", 1),
                seconds(task, "retryBackoffMax", 600),
                task.booleanValue("retryJitter").orElse(true));
        return new TaskOptions(queue,
                priority < 0 ? config.defaultPriority() : Math.min(priority, 9),
                maxRetries < 0 ? null : maxRetries,
                autoretryFor, backoff,
                seconds(task, "softTimeLimit", 0),
                seconds(task, "timeLimit", 0),
                seconds(task, "expires", 0),
                uniqueness(name, task, method),
                limit(name, task, method),
                redaction(name, task, method));
    }

    private static Redaction redaction(String name, AnnotationValue<Task> task, ExecutableMethod<?, ?> method) {
        List<String> declared = Arrays.asList(task.stringValues("redact"));
        List<Integer> positions = declared.stream().filter(parameter -> !parameter.equals("*"))
                .map(parameter -> position(name, "redact", parameter, method)).toList();
        return Redaction.of(declared, positions);
    }

    /** A uniqueness that cannot work (a period of zero, a key naming no parameter) stops the start-up. */
    private static Uniqueness uniqueness(String name, AnnotationValue<Task> task,
                                         ExecutableMethod<?, ?> method) {
        Unique lifetime = task.enumValue("unique", Unique.class).orElse(Unique.NONE);
        Duration ttl = seconds(task, "uniqueFor", 0);
        String key = task.stringValue("uniqueKey").filter(k -> !k.isBlank()).orElse(null);
        String where = "task '" + name + "': ";
        if (lifetime == Unique.NONE) {
            if (key != null || !ttl.isZero()) {
                throw new IllegalStateException(where + "uniqueKey and uniqueFor need unique = WHILE_PENDING, "
                        + "WHILE_RUNNING or FOR_PERIOD");
            }
            return Uniqueness.NONE;
        }
        if (ttl.isNegative() || lifetime == Unique.FOR_PERIOD && ttl.isZero()) {
            throw new IllegalStateException(where + "unique = " + lifetime + " needs uniqueFor > 0 seconds, got "
                    + task.doubleValue("uniqueFor").orElse(0));
        }
        if (key == null) {
            return new Uniqueness(lifetime, ttl, null, -1);
        }
        return new Uniqueness(lifetime, ttl, key, position(name, "uniqueKey", key, method));
    }

    private static FlowLimit limit(String name, AnnotationValue<Task> task, ExecutableMethod<?, ?> method) {
        FlowLimit limit;
        try {
            limit = FlowLimit.parse(task.stringValue("rateLimit").orElse(""), task.intValue("concurrency").orElse(-1));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("task '" + name + "': " + e.getMessage(), e);
        }
        String key = task.stringValue("limitKey").filter(k -> !k.isBlank()).orElse(null);
        if (key == null) {
            return limit;
        }
        if (!limit.limited()) {
            throw new IllegalStateException("task '" + name + "': limitKey '" + key
                    + "' needs a rateLimit or a concurrency to apply per key");
        }
        return limit.withKey(new FlowLimit.Key(key, position(name, "limitKey", key, method)));
    }

    /** The position among the bindable parameters of the one {@code member} names; none stops the start-up. */
    private static int position(String task, String member, String key, ExecutableMethod<?, ?> method) {
        int position = 0;
        for (Argument<?> parameter : method.getArguments()) {
            if (ArgumentBinder.bindable(parameter)) {
                if (parameter.getName().equals(key)) {
                    return position;
                }
                position++;
            }
        }
        throw new IllegalStateException("task '" + task + "': " + member + " '" + key + "' names no parameter of "
                + describe(method));
    }

    private static Duration seconds(AnnotationValue<Task> task, String member, double fallback) {
        double seconds = task.doubleValue(member).orElse(fallback);
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static String describe(TaskDefinition definition) {
        return definition.bean().getBeanType().getName() + "#" + definition.method().getMethodName();
    }

    private static String describe(ExecutableMethod<?, ?> method) {
        return method.getDeclaringType().getName() + "#" + method.getMethodName();
    }
}
