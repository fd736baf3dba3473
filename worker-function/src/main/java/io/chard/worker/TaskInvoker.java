package io.chard.worker;

import io.chard.broker.Envelope;
import io.chard.broker.Outcome;
import io.chard.client.StorableTime;
import io.chard.client.TaskDefaults;
import io.chard.config.ChardConfig;
import io.chard.task.ArgumentBinder;
import io.chard.task.ArgumentBindingException;
import io.chard.task.RetryRequested;
import io.chard.task.TaskCancelled;
import io.chard.task.TaskContext;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskOptions;
import io.chard.task.TaskOutcomes;
import io.chard.task.TaskRegistry;
import io.micronaut.context.BeanContext;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static io.chard.task.TaskOutcomes.MAX_RETRIES;
import static io.chard.task.TaskOutcomes.message;
import static io.chard.task.TaskOutcomes.traceback;

/**
 * Runs one execution's task method and turns whatever happens into an {@link Outcome}: the result, a retry
 * under the task's policy, or a failure with its type and traceback. Never throws: a message that cannot be
 * read or bound (a poison message) becomes a failure that names the reason.
 */
@Singleton
final class TaskInvoker {
    static final String POISON = "PoisonMessage";
    static final String UNKNOWN_TASK = "UnknownTask";
    static final String BAD_ARGUMENTS = "ArgumentBindingError";
    static final String SOFT_TIME_LIMIT = "SoftTimeLimitExceeded";

    private final TaskRegistry registry;
    private final ArgumentBinder binder;
    private final BeanContext beans;
    private final JsonMapper json;
    private final ChardConfig config;
    private final TaskDefaults defaults;
    /**
     * By task name: a task's name is unique in the registry and its hash is cached, where the definition record's
     * hash walks its options, bean and method on every execution (1 % of a worker's CPU in a profile).
     */
    private final Map<String, Object> singletons = new ConcurrentHashMap<>();

    TaskInvoker(TaskRegistry registry, ArgumentBinder binder, BeanContext beans, JsonMapper json,
                ChardConfig config, TaskDefaults defaults) {
        this.defaults = defaults;
        this.registry = registry;
        this.binder = binder;
        this.beans = beans;
        this.json = json;
        this.config = config;
    }

    /** Reads the envelope and resolves its task; empty (with the failure set) for a poison message. */
    Prepared prepare(Execution execution) {
        Call envelope;
        try {
            envelope = json.readValue(execution.delivery.envelope(), Call.class);
        } catch (Exception e) {
            return Prepared.poison(new Outcome.Failure(POISON, "unreadable envelope: " + e.getMessage(), ""));
        }
        if (envelope == null || envelope.task() == null) {
            return Prepared.poison(new Outcome.Failure(POISON, "envelope names no task", ""));
        }
        Optional<TaskDefinition> definition = registry.find(envelope.task());
        if (definition.isEmpty()) {
            return Prepared.poison(new Outcome.Failure(UNKNOWN_TASK,
                    "no task '" + envelope.task() + "' is registered on this worker", ""));
        }
        return new Prepared(envelope, definition.get(), null);
    }

    @SuppressWarnings("unchecked")
    Outcome invoke(Prepared prepared, Execution execution, TaskContext context) {
        TaskDefinition task = prepared.task();
        Object[] arguments;
        try {
            arguments = binder.bind(task.method(), prepared.envelope().args(), prepared.envelope().kwargs(), context);
        } catch (ArgumentBindingException e) {
            return new Outcome.Failure(BAD_ARGUMENTS, e.getMessage(), "");
        }
        try {
            Object bean = task.bean().isSingleton()
                    ? singletons.computeIfAbsent(task.name(), name -> beans.getBean(task.bean()))
                    : beans.getBean(task.bean());
            Object result = ((ExecutableMethod<Object, Object>) task.method()).invoke(bean, arguments);
            return success(result);
        } catch (Throwable error) {
            return afterError(error, task.options(), execution);
        }
    }

    private Outcome success(Object result) {
        return TaskOutcomes.success(result, json, config.maxPayloadBytes());
    }

    private Outcome afterError(Throwable error, TaskOptions options, Execution execution) {
        if (execution.cancelRequested) {
            return new Outcome.Revoked("revoked");
        }
        int retries = execution.delivery.retries();
        // The retries as stored now (see TaskDefaults): a change of max_retries holds for the next failure.
        boolean retriesLeft = retries < defaults.maxRetries(options);
        if (error instanceof RetryRequested requested) {
            return retriesLeft
                    ? new Outcome.Retry(storable(requested.countdown()), "RetryRequested", "", "")
                    : new Outcome.Failure(MAX_RETRIES, "retry requested after " + retries + " retries", "");
        }
        if (execution.softLimitPassed && (error instanceof InterruptedException || error instanceof TaskCancelled
                || error.getCause() instanceof InterruptedException)) {
            return new Outcome.Failure(SOFT_TIME_LIMIT, "soft time limit exceeded", traceback(error));
        }
        if (options.retriesOn(error) && retriesLeft) {
            Duration delay = options.backoff().delayBefore(retries);
            return new Outcome.Retry(delay, error.getClass().getName(), message(error), traceback(error));
        }
        return new Outcome.Failure(error.getClass().getName(), message(error), traceback(error));
    }

    /**
     * A requested countdown, cut to what the broker and the history can hold: the due time stays before
     * {@link StorableTime#MAX} (less a day for clock skew), and so within a long of milliseconds. Uncut, a countdown
     * past that overflowed the settler's {@code toMillis()}, which dropped the whole batch of outcomes.
     */
    static Duration storable(Duration countdown) {
        Duration longest = Duration.between(Instant.now(), StorableTime.MAX).minusDays(1);
        return countdown.compareTo(longest) > 0 ? longest : countdown;
    }

    /**
     * The parts of an {@link Envelope} a worker needs to run it; reading only these skips parsing the rest
     * (timestamps are the costly part) on every execution. {@code expires} is the one timestamp read: null for
     * nearly every task, and checked again when a run slot frees up after a wait.
     */
    @Serdeable
    record Call(String task, @Nullable JsonNode args, @Nullable JsonNode kwargs, @Nullable String queue,
                @Nullable Instant expires, @Nullable Map<String, String> headers) {
    }

    /** An envelope ready to run, or the failure that stands for a poison message. */
    record Prepared(Call envelope, TaskDefinition task, Outcome.Failure poison) {
        static Prepared poison(Outcome.Failure failure) {
            return new Prepared(null, null, failure);
        }
    }
}
