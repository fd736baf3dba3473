package io.chard.test;

import io.chard.broker.WorkflowBatch;
import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.Enqueued;
import io.chard.broker.Envelope;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Outcome;
import io.chard.broker.Promotion;
import io.chard.broker.RedisBroker;
import io.chard.broker.Revocation;
import io.chard.client.TaskDefaults;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.task.ArgumentBinder;
import io.chard.task.RetryRequested;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskOutcomes;
import io.chard.task.TaskRegistry;
import io.chard.task.Unique;
import io.chard.trace.TaskLogScope;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Test mode's broker, in place of Redis when {@code chard.task-always-eager} is true: a dispatch runs its task
 * at once on the dispatching thread (a child dispatch inside a task runs nested), unless it has a countdown or
 * eta in the future of the injected clock; such a dispatch waits until {@link #runDue()} finds it due.
 * Retries run at once, as Celery's eager mode does. With {@code chard.task-eager-propagates} (default true) a
 * failure is thrown to the dispatcher after the last retry; otherwise it is only recorded. Idempotency keys and
 * unique tasks' locks answer a duplicate dispatch with the earlier execution, as in Redis.
 */
@Singleton
@Replaces(RedisBroker.class)
@Requires(property = ChardSettings.TASK_ALWAYS_EAGER, value = "true")
public final class InlineBroker implements Broker {
    static final String WORKER = "inline";

    private final TaskRegistry registry;
    private final ArgumentBinder binder;
    private final BeanContext beans;
    private final JsonMapper json;
    private final Clock clock;
    private final boolean propagate;
    private final List<InlineExecution> dispatched = new CopyOnWriteArrayList<>();
    private final Map<UUID, InlineExecution> byId = new ConcurrentHashMap<>();
    /** As Redis keeps them: scoped by task, for the idempotency window on the test's clock. */
    private final Map<String, IdempotencyKey> idempotencyKeys = new ConcurrentHashMap<>();
    private final ChardConfig config;
    private final InlineUniqueLocks uniqueLocks = new InlineUniqueLocks();

    private record IdempotencyKey(UUID execution, Instant until) {
    }

    InlineBroker(TaskRegistry registry, ArgumentBinder binder, BeanContext beans, JsonMapper json, Clock clock,
                 @Value("${" + ChardSettings.TASK_EAGER_PROPAGATES + ":true}") boolean propagate, ChardConfig config) {
        this.config = config;
        this.registry = registry;
        this.binder = binder;
        this.beans = beans;
        this.json = json;
        this.clock = clock;
        this.propagate = propagate;
    }

    @Override
    public boolean sharesEnqueueCalls() {
        return false;
    }

    @Override
    public List<Enqueued> enqueue(List<Envelope.Encoded> envelopes,
                                  BiConsumer<List<Envelope.Encoded>, List<Enqueued>> stored) {
        List<Enqueued> answers = new ArrayList<>(envelopes.size());
        List<InlineExecution> created = new ArrayList<>();
        for (Envelope.Encoded encoded : envelopes) {
            UUID id = encoded.envelope().id();
            String key = encoded.envelope().idempotencyKey() == null ? null : RedisBroker.scopedKey(encoded.envelope());
            // As enqueue.lua: an idempotency key's first execution, else the holder of the task's unique lock; a new
            // idempotency key then names whichever stands for this dispatch.
            IdempotencyKey held = key == null ? null : idempotencyKeys.get(key);
            UUID earlier = held == null || !clock.instant().isBefore(held.until()) ? null : held.execution();
            if (earlier == null && encoded.unique() != null) {
                earlier = uniqueLocks.holder(encoded.unique(), clock.instant());
                if (earlier != null && waitsPastItsExpiry(byId.get(earlier))) {
                    earlier = null; // as unique.lua: it will never start, so it holds the lock no more
                }
            }
            if (key != null && (held == null || held.execution() != earlier)) {
                idempotencyKeys.put(key, new IdempotencyKey(earlier == null ? id : earlier,
                        clock.instant().plus(config.idempotencyWindow())));
            }
            if (earlier != null) {
                answers.add(new Enqueued(earlier, false));
                continue;
            }
            if (encoded.unique() != null) {
                uniqueLocks.take(encoded.unique(), id, clock.instant());
            }
            InlineExecution execution = new InlineExecution(encoded);
            dispatched.add(execution);
            byId.put(execution.envelope.id(), execution);
            created.add(execution);
            answers.add(new Enqueued(execution.envelope.id(), true));
        }
        stored.accept(envelopes, answers);
        for (InlineExecution execution : created) {
            if (execution.due(clock.instant())) {
                run(execution);
            }
        }
        return answers;
    }

    /**
     * Runs every waiting execution whose countdown or eta has passed on the clock, in the order a worker leases them:
     * by due time, then priority (higher first), then dispatch order.
     */
    public int runDue() {
        Instant now = clock.instant();
        List<InlineExecution> due = dispatched.stream()
                .filter(execution -> execution.status == ExecutionStatus.PENDING && execution.due(now))
                .sorted(Comparator.comparing(InlineBroker::dueAt)
                        .thenComparing(execution -> -execution.envelope.priority()))
                .toList();
        int ran = 0;
        for (InlineExecution execution : due) {
            if (execution.status == ExecutionStatus.PENDING) {
                run(execution);
                ran++;
            }
        }
        return ran;
    }

    /** The earliest due time of a waiting execution at or before {@code until}, if any. */
    Optional<Instant> nextDue(Instant until) {
        return dispatched.stream().filter(execution -> execution.status == ExecutionStatus.PENDING)
                .map(InlineBroker::dueAt).filter(at -> !at.isAfter(until)).min(Comparator.naturalOrder());
    }

    private static Instant dueAt(InlineExecution execution) {
        return execution.envelope.eta() == null ? Instant.MIN : execution.envelope.eta();
    }

    /** Every execution dispatched since the start or the last {@link #clear()}, in dispatch order. */
    public List<Envelope> dispatched() {
        return dispatched.stream().map(execution -> execution.envelope).toList();
    }

    public void clear() {
        dispatched.clear();
        byId.clear();
        idempotencyKeys.clear();
        uniqueLocks.clear();
    }

    @Override
    public Revocation revoke(UUID id, String reason) {
        InlineExecution execution = byId.get(id);
        if (execution == null) {
            return Revocation.UNKNOWN;
        }
        if (execution.status != ExecutionStatus.PENDING) {
            return Revocation.ALREADY_FINISHED;
        }
        execution.reason = reason;
        end(execution, ExecutionStatus.REVOKED);
        return Revocation.REVOKED;
    }

    /** A waiting execution (a countdown or eta ahead of the clock) runs at once, as {@link #runDue()} would run it. */
    @Override
    public Promotion promote(UUID id, Integer seenRetries) {
        InlineExecution execution = byId.get(id);
        if (execution == null) {
            return new Promotion(Promotion.Outcome.UNKNOWN, "");
        }
        String queue = execution.envelope.queue();
        if (execution.status != ExecutionStatus.PENDING || execution.due(clock.instant())) {
            return new Promotion(Promotion.Outcome.NOT_DELAYED, queue);
        }
        run(execution);
        return new Promotion(Promotion.Outcome.PROMOTED, queue);
    }

    @Override
    public Optional<ExecutionSnapshot> snapshot(UUID id) {
        return Optional.ofNullable(byId.get(id)).map(InlineExecution::snapshot);
    }

    @Override
    public BrokerConsumer consumer(String workerId) {
        throw new UnsupportedOperationException("in test mode tasks run inline when dispatched; there is no worker");
    }

    @Override
    public void ping() {
    }

    /** Canvas workflows need the Redis join scripts; test mode refuses them clearly rather than run them wrong. */
    @Override
    public WorkflowBatch.Result enqueueWorkflow(WorkflowBatch workflow) {
        throw new UnsupportedOperationException("test mode runs single tasks inline; workflows (chain, group, chord) "
                + "need a Redis broker in tests for now");
    }

    @Override
    public Optional<String> workflowTree(UUID workflowId) {
        return Optional.empty();
    }

    @Override
    public Optional<WorkflowBatch.StoredMember> workflowMember(UUID id) {
        return Optional.empty();
    }

    private boolean waitsPastItsExpiry(InlineExecution execution) {
        return execution != null && (execution.status == ExecutionStatus.PENDING
                || execution.status == ExecutionStatus.RETRYING) && execution.envelope.expires() != null
                && execution.envelope.expires().isBefore(clock.instant());
    }

    @SuppressWarnings("unchecked")
    private void run(InlineExecution execution) {
        Envelope envelope = execution.envelope;
        if (envelope.expires() != null && envelope.expires().isBefore(clock.instant())) {
            execution.reason = "expired";
            end(execution, ExecutionStatus.REVOKED);
            return;
        }
        TaskDefinition task = registry.require(envelope.task());
        InlineTaskContext context = new InlineTaskContext(execution);
        execution.status = ExecutionStatus.RUNNING;
        execution.startedAt = clock.instant();
        uniqueLocks.reached(envelope.id(), Unique.Stage.START);
        Object result;
        while (true) {
            execution.deliveries++;
            try (TaskLogScope logs = TaskLogScope.open(envelope.id(), envelope.task(), execution.retries + 1,
                    envelope.headers())) {
                Object[] arguments = binder.bind(task.method(), envelope.args(), envelope.kwargs(), context);
                Object bean = beans.getBean(task.bean());
                result = ((ExecutableMethod<Object, Object>) task.method()).invoke(bean, arguments);
                break;
            } catch (Throwable error) {
                // TaskDefaults reads no stored settings here (this broker has none): the task's, else the configured.
                boolean retriesLeft = execution.retries < beans.getBean(TaskDefaults.class).maxRetries(task.options());
                if (retriesLeft && (error instanceof RetryRequested || task.options().retriesOn(error))) {
                    execution.retries++;
                    continue;
                }
                if (error instanceof RetryRequested) {
                    // As a worker records it: the task asked for one retry too many.
                    fail(execution, new Outcome.Failure(TaskOutcomes.MAX_RETRIES, "retry requested after "
                            + execution.retries + " retries", ""), error);
                    return;
                }
                fail(execution, new Outcome.Failure(error.getClass().getName(), TaskOutcomes.message(error),
                        TaskOutcomes.traceback(error)), error);
                return;
            }
        }
        // Outside the retries, as on a worker: a result that cannot be stored fails once, and is not retried.
        switch (TaskOutcomes.success(result, json, config.maxPayloadBytes())) {
            case Outcome.Success success -> {
                execution.result = success.resultJson();
                end(execution, ExecutionStatus.SUCCESS);
            }
            case Outcome.Failure failure -> fail(execution, failure,
                    new IllegalStateException(failure.exceptionType() + ": " + failure.message()));
            default -> throw new IllegalStateException("a result is stored or fails");
        }
    }

    /** Records {@code failure}; with propagation on, {@code error} reaches the dispatcher. */
    private void fail(InlineExecution execution, Outcome.Failure failure, Throwable error) {
        execution.exceptionType = failure.exceptionType();
        execution.message = failure.message();
        execution.traceback = failure.traceback();
        end(execution, ExecutionStatus.FAILED);
        if (propagate) {
            switch (error) {
                case RuntimeException unchecked -> throw unchecked;
                case Error fatal -> throw fatal;
                default -> throw new InlineTaskException(execution.envelope.task(), error);
            }
        }
    }

    private void end(InlineExecution execution, ExecutionStatus status) {
        execution.status = status;
        execution.finishedAt = clock.instant();
        uniqueLocks.reached(execution.envelope.id(), Unique.Stage.END);
    }

    /** For failure messages: the instant the clock shows. */
    Instant now() {
        return clock.instant();
    }
}
