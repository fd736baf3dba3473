package io.chard.client;

import io.chard.broker.Broker;
import io.chard.broker.Envelope;
import io.chard.broker.Enqueued;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.Partitions;
import io.chard.broker.Promotion;
import io.chard.broker.Revocation;
import io.chard.broker.UniqueLock;
import io.chard.config.ChardConfig;
import io.chard.task.ArgumentBinder;
import io.chard.task.ArgumentBindingException;
import io.chard.task.FlowLimit;
import io.chard.task.FlowLimits;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskOptions;
import io.chard.task.TaskRegistry;
import io.chard.task.UnknownTaskException;
import io.chard.trigger.ReadyTrigger;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Dispatches tasks from Java. A dispatch is checked against the registry and bound like a call before
 * anything is enqueued, so a typo fails in the caller, not on a worker hours later.
 */
@Singleton
public final class TaskClient {
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");

    private final TaskRegistry registry;
    private final ArgumentBinder binder;
    private final Broker broker;
    private final JsonMapper json;
    private final ChardConfig config;
    private final Clock clock;
    private final Partitions partitions;
    private final ReadyTrigger trigger;
    private final DispatchCoalescer coalescer;
    private final UniqueLocks uniqueLocks;
    private final FlowLimits limits;
    private final TaskDefaults defaults;

    public TaskClient(TaskRegistry registry, ArgumentBinder binder, Broker broker, JsonMapper json,
                      ChardConfig config, Clock clock, ReadyTrigger trigger, FlowLimits limits,
                      TaskDefaults defaults) {
        this.limits = limits;
        this.defaults = defaults;
        this.partitions = new Partitions(config.namespace(), config.partitions());
        this.uniqueLocks = new UniqueLocks(json);
        this.trigger = trigger;
        this.registry = registry;
        this.binder = binder;
        this.broker = broker;
        this.json = json;
        this.config = config;
        this.clock = clock;
        this.coalescer = new DispatchCoalescer(this::enqueue, encoded -> partitions.of(encoded.envelope().id()));
    }

    /** Stores the dispatches handed over before; later ones are refused. */
    @PreDestroy
    void close() {
        coalescer.close();
    }

    /** Dispatches {@code task} with positional arguments, converted to JSON. */
    public Dispatched dispatch(String task, Object... args) {
        return dispatch(DispatchRequest.of(task, toJson(Arrays.asList(args))));
    }

    /**
     * Dispatches one task; once it returns, the execution is stored. Concurrent callers share enqueue script calls
     * ({@link DispatchCoalescer}): a caller that finds no call in flight runs its own on this thread; the others wait
     * for the one that stored their execution.
     */
    public Dispatched dispatch(DispatchRequest request) {
        Envelope.Encoded envelope = single(request);
        if (!broker.sharesEnqueueCalls()) {
            return enqueue(List.of(envelope)).getFirst();
        }
        return coalescer.store(envelope);
    }

    /** {@link #dispatchAsync(DispatchRequest)} with positional arguments, converted to JSON. */
    public CompletableFuture<Dispatched> dispatchAsync(String task, Object... args) {
        return dispatchAsync(DispatchRequest.of(task, toJson(Arrays.asList(args))));
    }

    /**
     * Dispatches one task without waiting for Redis: the request is checked here (a refusal is thrown, nothing
     * enqueued), and the future completes once the execution is stored, or with the broker's exception. One
     * thread can keep many in flight: they go to Redis together, hundreds per script call. Blocks while thousands
     * wait for Redis already.
     */
    public CompletableFuture<Dispatched> dispatchAsync(DispatchRequest request) {
        return dispatchAsync(request, true);
    }

    /**
     * As {@link #dispatchAsync(DispatchRequest)}, but never blocks: while thousands of dispatches wait for Redis
     * already, the future fails at once with {@link BrokerUnavailableException}, what a server answers 503 to (an
     * HTTP dispatch runs on an event loop, which must not wait for room).
     */
    public CompletableFuture<Dispatched> dispatchAsyncOrRefuse(DispatchRequest request) {
        return dispatchAsync(request, false);
    }

    private CompletableFuture<Dispatched> dispatchAsync(DispatchRequest request, boolean waitForRoom) {
        Envelope.Encoded envelope = single(request);
        if (!broker.sharesEnqueueCalls()) {
            return CompletableFuture.completedFuture(enqueue(List.of(envelope)).getFirst());
        }
        return coalescer.submit(envelope, waitForRoom);
    }

    /** A single dispatch's checked envelope. */
    private Envelope.Encoded single(DispatchRequest request) {
        return envelope(clock.instant(), placement(request), partitions.random());
    }

    /**
     * Validates every request first; enqueues all of them in one atomic step, or none. The batch goes to one
     * partition: its first request's key's (a limit's, a unique task's lock, else an idempotency key) when one
     * has a key, else a random one. Requests whose keys hash elsewhere go to their keys' partitions (one atomic
     * step per partition).
     */
    public List<Dispatched> dispatchAll(List<DispatchRequest> requests) {
        try {
            return dispatchBatch(requests);
        } catch (InvalidBatchException e) {
            // Java callers catch the refusal's own type, as for a single dispatch.
            throw e.refusal();
        }
    }

    /**
     * {@link #dispatchAll}, for callers that must say which request was refused (the HTTP batch): a refusal comes as
     * an {@link InvalidBatchException} naming the request's index.
     */
    public List<Dispatched> dispatchBatch(List<DispatchRequest> requests) {
        Instant now = clock.instant();
        List<Placement> placements = new ArrayList<>(requests.size());
        List<Envelope.Encoded> envelopes = new ArrayList<>(requests.size());
        int index = 0;
        try {
            for (; index < requests.size(); index++) {
                placements.add(placement(requests.get(index)));
            }
            int batchPartition = placements.stream().map(Placement::key).filter(Objects::nonNull).findFirst()
                    .map(partitions::forKey).orElseGet(partitions::random);
            for (index = 0; index < requests.size(); index++) {
                envelopes.add(envelope(now, placements.get(index), batchPartition));
            }
        } catch (UnknownTaskException | ArgumentBindingException | InvalidDispatchException
                 | PayloadTooLargeException e) {
            throw new InvalidBatchException(index, e);
        }
        return enqueue(envelopes);
    }

    /**
     * Where a dispatch goes, and the unique lock it takes (null: none). The key whose partition it goes to: its
     * limit's (the one partition that counts it), else a unique task's lock, else the idempotency key, else none.
     * A unique task goes by its lock whenever the dispatches of one lock could have different limits (a per-key
     * limit on an argument the lock does not cover): the lock must be met in one place, or two dispatches of one
     * key would both run; that limit is then counted per partition (docs/architecture.md, "Limits of the design").
     * The queue is settled here, once: the stored default queue may change between two reads, and the limit that
     * pins the dispatch must be the one of the queue it goes to.
     */
    private Placement placement(DispatchRequest request) {
        TaskDefinition task = registry.require(request.task());
        DispatchRequest queued = request.queue() != null ? request : request.withQueue(queue(request, task));
        UniqueLock lock = uniqueLocks.of(task, queued);
        Optional<String> pin = limits.pin(task, queued.queue(), queued.args(), queued.kwargs())
                .filter(name -> lock == null || sharedByLock(task, name, queued.queue()));
        String key = pin.orElse(lock != null ? lock.name() : blankToNull(queued.idempotencyKey()));
        return new Placement(queued, lock, key);
    }

    /**
     * Whether every dispatch of one unique lock is pinned by this limit: a queue's (a lock holds per queue), the
     * task's own, or a per-key one whose argument the lock covers (the whole call, or that same argument).
     */
    private static boolean sharedByLock(TaskDefinition task, String limit, String queue) {
        FlowLimit.Key limitKey = task.options().limit().key();
        String uniqueKey = task.options().uniqueness().keyParameter();
        return limit.equals(FlowLimit.ofQueue(queue)) || limitKey == null || uniqueKey == null
                || uniqueKey.equals(limitKey.parameter());
    }

    /** @param request the dispatch with its queue settled */
    private record Placement(DispatchRequest request, UniqueLock lock, String key) {
    }

    /** The dispatch's queue, else the task's, else the default queue as it is now (see {@link TaskDefaults}). */
    private String queue(DispatchRequest request, TaskDefinition task) {
        return request.queue() != null ? request.queue() : defaults.queue(task.options());
    }

    /** @param otherwise the partition when the dispatch has no key of its own */
    private Envelope.Encoded envelope(Instant now, Placement placement, int otherwise) {
        int partition = placement.key() == null ? otherwise : partitions.forKey(placement.key());
        return envelope(placement.request(), now, partition).withUnique(placement.lock());
    }

    /**
     * Stores checked envelopes (one atomic step per partition), telling the queue trigger of the new ones after each
     * step: a message must never name an execution Redis does not have yet, and a step refused after others leaves
     * theirs stored. Told only once every step had returned, those were never triggered: the batch, sent again as
     * it should be, met them as duplicates, and they waited for the timer drain.
     */
    private List<Dispatched> enqueue(List<Envelope.Encoded> envelopes) {
        List<Enqueued> enqueued = broker.enqueue(envelopes, this::triggerCreated);
        List<Dispatched> dispatched = new ArrayList<>(envelopes.size());
        for (int i = 0; i < envelopes.size(); i++) {
            dispatched.add(new Dispatched(enqueued.get(i).id(), envelopes.get(i).envelope(),
                    !enqueued.get(i).created()));
        }
        return dispatched;
    }

    private void triggerCreated(List<Envelope.Encoded> step, List<Enqueued> answers) {
        List<ReadyTrigger.Ready> created = new ArrayList<>(step.size());
        for (int i = 0; i < step.size(); i++) {
            if (answers.get(i).created()) {
                Envelope envelope = step.get(i).envelope();
                Instant now = envelope.queuedAt();
                Duration delay = envelope.eta() == null || !envelope.eta().isAfter(now) ? Duration.ZERO
                        : Duration.between(now, envelope.eta());
                created.add(new ReadyTrigger.Ready(envelope.id(), envelope.queue(), delay));
            }
        }
        if (!created.isEmpty()) {
            trigger.ready(created);
        }
    }

    public Revocation revoke(UUID id) {
        return broker.revoke(id, "revoked");
    }

    /**
     * Runs an execution that waits for its due time now ("run now", "retry now"); a queue trigger hears of it as of
     * any execution that becomes ready.
     *
     * @param seenRetries the retries the caller saw (null: any): a later retry's backoff is left alone
     */
    public Promotion promote(UUID id, @Nullable Integer seenRetries) {
        Promotion promotion = broker.promote(id, seenRetries);
        if (promotion.outcome() == Promotion.Outcome.PROMOTED) {
            trigger.ready(List.of(new ReadyTrigger.Ready(id, promotion.queue(), Duration.ZERO)));
        }
        return promotion;
    }

    public Optional<ExecutionSnapshot> snapshot(UUID id) {
        return broker.snapshot(id);
    }

    public JsonNode toJson(Object value) {
        try {
            return json.writeValueToTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Envelope.Encoded envelope(DispatchRequest request, Instant now, int partition) {
        return prepare(request, now, Partitions.newId(now.toEpochMilli(), partition), true);
    }

    /**
     * Dispatches a canvas workflow: validated whole (unknown tasks, arguments that do not bind), then every
     * member enqueued in one atomic step in one partition. See {@link io.chard.canvas.WorkflowPlanner}.
     */
    public io.chard.canvas.WorkflowDispatched dispatch(io.chard.canvas.Canvas canvas) {
        return new io.chard.canvas.WorkflowPlanner(this, registry, binder, partitions, json, clock).dispatch(canvas,
                broker);
    }

    /**
     * One envelope, checked and encoded but not enqueued: the options, the size, and the arguments unless
     * {@code bind} is false (a workflow step whose first argument is a predecessor's value, bound by the planner).
     */
    public Envelope.Encoded prepare(DispatchRequest request, Instant now, UUID id, boolean bind) {
        return prepare(request, now, id, bind, true);
    }

    /**
     * As {@link #prepare}, for a workflow member that waits for its predecessors: its task's default expiry counts
     * from its release, not from now, so the envelope names no instant for it; the broker sets it at the release
     * ({@link io.chard.broker.WorkflowBatch.Member#expiresInMillis}). Its arguments are bound by the planner.
     */
    public Envelope.Encoded prepareWaiting(DispatchRequest request, Instant now, UUID id) {
        return prepare(request, now, id, false, false);
    }

    private Envelope.Encoded prepare(DispatchRequest request, Instant now, UUID id, boolean bind,
                                     boolean defaultExpiry) {
        TaskDefinition task = registry.require(request.task());
        if (bind) {
            binder.bind(task.method(), request.args(), request.kwargs(), null);
        }
        TaskOptions options = task.options();
        String queue = queue(request, task);
        if (!validQueueName(queue)) {
            throw new InvalidDispatchException("queue", "queue must be 1-100 letters, digits, '_', '-' or '.': "
                    + queue);
        }
        int priority = request.priority() != null ? request.priority() : options.priority();
        if (priority < 0 || priority > 9) {
            throw new InvalidDispatchException("priority", "priority must be between 0 and 9, got " + priority);
        }
        Instant eta = storable("eta", request.eta());
        if (request.countdown() != null) {
            if (request.countdown().isNegative()) {
                throw new InvalidDispatchException("countdown", "countdown must not be negative");
            }
            Instant due = storable("countdown", plus(now, request.countdown()));
            eta = eta == null || due.isAfter(eta) ? due : eta;
        }
        Instant expires = storable("expires", request.expires());
        if (expires == null && defaultExpiry && !options.expires().isZero()) {
            expires = now.plus(options.expires());
        }
        String idempotencyKey = blankToNull(request.idempotencyKey());
        if (idempotencyKey != null && !wellFormed(idempotencyKey)) {
            // UTF-8 has no lone surrogate: Redis' key got '?' in its place, so the keys "\ud800" and "?" were one
            // key, and one dispatch was answered with the other's execution.
            throw new InvalidDispatchException("idempotency_key", "idempotency_key holds a lone surrogate (half of "
                    + "a UTF-16 pair), which cannot be stored as UTF-8");
        }
        Envelope envelope = new Envelope(id, task.name(), request.args(), request.kwargs(), queue,
                priority, eta, expires, idempotencyKey, now, request.retriedFrom());
        Optional<String> limitKey = limits.key(task, request.args(), request.kwargs());
        if (limitKey.isPresent()) {
            envelope = envelope.withHeader(FlowLimit.KEY_HEADER, limitKey.get());
        }
        String encoded = encode(envelope);
        int size = encoded.getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxPayloadBytes()) {
            throw new PayloadTooLargeException(size, config.maxPayloadBytes());
        }
        return new Envelope.Encoded(envelope, encoded, options.timeLimit(), null);
    }

    /** Whether {@code name} may name a queue: 1-100 letters, digits, '_', '-' or '.'. */
    public static boolean validQueueName(String name) {
        return name != null && QUEUE_NAME.matcher(name).matches();
    }

    private static Instant storable(String field, Instant instant) {
        if (instant != null && !StorableTime.contains(instant)) {
            throw new InvalidDispatchException(field, field + " must fall " + StorableTime.range() + ", got "
                    + instant);
        }
        return instant;
    }

    private static Instant plus(Instant now, java.time.Duration countdown) {
        try {
            return now.plus(countdown);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return Instant.MAX;
        }
    }

    private String encode(Envelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code text} has no lone surrogate, so that its UTF-8 bytes read back as the same text. */
    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
