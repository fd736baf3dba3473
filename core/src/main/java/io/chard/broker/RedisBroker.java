package io.chard.broker;

import io.chard.broker.LuaScripts.Script;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.config.EventsConfig;
import io.chard.trigger.ReadyTrigger;
import io.micronaut.context.annotation.Value;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The broker on Redis: state in hashes and sorted sets, every transition one Lua script in the execution's
 * partition. It owns its connections (one shared, pipelined; one per blocking consumer), each with
 * {@code chard.redis-timeout}, to one Redis or a Redis Cluster ({@link RedisConnector}).
 */
@Singleton
public final class RedisBroker implements Broker {
    /**
     * Refusals that pass: loading after a restart, a replica during failover, a busy script, memory pressure,
     * a cluster resharding or failing over, a snapshot or AOF that cannot be written (MISCONF: a full disk),
     * and too few replicas for {@code min-replicas-to-write} (NOREPLICAS). Callers retry these with backoff;
     * any other refusal is a bug in Chard.
     */
    private static final List<String> TRANSIENT = List.of("LOADING", "READONLY", "BUSY", "OOM", "MASTERDOWN",
            "TRYAGAIN", "CLUSTERDOWN", "MISCONF", "NOREPLICAS");
    private final RedisConnector connector;
    private volatile RedisConnection connection;
    /** Set when the application closes the broker: from then on no command opens a connection again. */
    private volatile boolean closed;
    private volatile boolean layoutChecked;
    private final ChardConfig config;
    /** Told of the workflow members the join or a workflow's enqueue made ready (SQS-triggered queues). */
    private final ReadyTrigger trigger;
    private final EventsConfig events;
    private final Partitions partitions;
    private final CompletableFuture<LuaScripts> scripts;

    public RedisBroker(RedisConnector connector, ChardConfig config,
                       @Value("${" + ChardSettings.EVENTS_MAX_LENGTH + ":" + EventsConfig.DEFAULT_MAX_LENGTH + "}")
                       long maxEvents,
                       @Value("${" + ChardSettings.HISTORY_ENABLED + ":true}") boolean history,
                       ReadyTrigger trigger) {
        this.connector = connector;
        this.trigger = trigger;
        this.config = config;
        this.events = new EventsConfig(maxEvents, history);
        this.partitions = new Partitions(config.namespace(), config.partitions());
        // Read and digested beside the rest of the start (a context's beans, the first connect), not before the
        // first script call: 40 ms off a worker's path to its first task.
        this.scripts = CompletableFuture.supplyAsync(() -> new LuaScripts(events.historyEnabled(), events.maxLength()),
                task -> Thread.ofPlatform().daemon().name("chard-scripts").start(task));
    }

    /**
     * An idempotency key holds for one task only: two tasks dispatched with the same business key ("order-7") are
     * two executions. The task's length leads, so that no task name and key can spell another pair's scope.
     */
    public static String scopedKey(Envelope envelope) {
        return envelope.task().length() + ":" + envelope.task() + ":" + envelope.idempotencyKey();
    }

    /**
     * One script call per partition the envelopes' ids name (the client puts a batch in one partition, except the
     * items whose own keys hash elsewhere). When a call is refused the batch is answered with the refusal, and the
     * partitions written before it keep their items. Sent again, an item with an idempotency key meets the
     * execution it stored, and a unique task's item meets its lock while the execution it stored still holds it;
     * any other is stored a second time. So the partitions holding items with neither are written last, and a
     * refusal before them stored none of those. Such items share the batch's one partition (unless a rate limit or
     * concurrency cap pins some elsewhere), so a refused batch can be sent again whole. (With a unique item counted
     * among them, a batch whose unique items' locks fell in two partitions had two partitions to write last: one
     * stored, the other refused, and the resend stored the first one's plain items again.) A unique item whose
     * execution ended before the resend is stored again, as any dispatch of it after its lock may be.
     */
    @Override
    public List<Enqueued> enqueue(List<Envelope.Encoded> envelopes,
                                  BiConsumer<List<Envelope.Encoded>, List<Enqueued>> stored) {
        return partitions.perPartition(envelopes, encoded -> encoded.envelope().id(), (keys, step) -> {
            List<Enqueued> answers = enqueue(keys, step);
            stored.accept(step, answers);
            return answers;
        }, encoded -> encoded.envelope().idempotencyKey() == null && encoded.unique() == null);
    }

    // The scripts read 0 as "never expires"; an expiry at or before the epoch (a client's zero time, say) has
    // passed as much as one in 1971 and must end the execution as expired, not let it run.
    private static String expiresArgument(Envelope envelope) {
        return envelope.expires() == null ? "0" : Long.toString(Math.max(1, envelope.expires().toEpochMilli()));
    }

    private List<Enqueued> enqueue(RedisKeys keys, List<Envelope.Encoded> envelopes) {
        List<String> argv = new ArrayList<>(2 + envelopes.size() * 13);
        argv.add(keys.prefix());
        argv.add(Long.toString(config.idempotencyWindow().toSeconds()));
        Set<String> declared = new LinkedHashSet<>(keys.scriptKeys());
        for (Envelope.Encoded encoded : envelopes) {
            Envelope envelope = encoded.envelope();
            declared.addAll(keys.queueKeys(envelope.queue()));
            if (envelope.idempotencyKey() != null) {
                declared.add(keys.idempotency(scopedKey(envelope)));
            }
            UniqueLock lock = encoded.unique();
            if (lock != null) {
                declared.add(keys.idempotency(lock.name()));
            }
            argv.add(envelope.id().toString());
            argv.add(envelope.queue());
            argv.add(Integer.toString(envelope.priority()));
            argv.add(envelope.eta() == null ? "0" : Long.toString(envelope.eta().toEpochMilli()));
            argv.add(expiresArgument(envelope));
            argv.add(envelope.idempotencyKey() == null ? "" : scopedKey(envelope));
            argv.add(Long.toString(envelope.queuedAt().toEpochMilli()));
            argv.add(envelope.task());
            argv.add(encoded.json());
            argv.add(Long.toString(encoded.timeLimit().toMillis()));
            argv.add(lock == null ? "" : lock.name());
            argv.add(lock == null ? "" : lock.lifetime().releasedAt());
            argv.add(lock == null ? "0" : Long.toString(lock.ttl().toMillis()));
        }
        List<Object> reply = refusedWhenFull(run(Script.ENQUEUE, List.copyOf(declared), argv));
        List<Enqueued> result = new ArrayList<>(envelopes.size());
        for (int i = 0; i < reply.size(); i += 2) {
            result.add(new Enqueued(UUID.fromString((String) reply.get(i)), ((Long) reply.get(i + 1)) == 1));
        }
        return result;
    }

    @Override
    public WorkflowBatch.Result enqueueWorkflow(WorkflowBatch workflow) {
        RedisKeys keys = partitions.keys(workflow.id());
        List<String> argv = new ArrayList<>(4 + workflow.members().size() * 17);
        argv.add(keys.prefix());
        argv.add(workflow.id().toString());
        argv.add(workflow.tree());
        argv.add(workflow.redriveOf() == null ? "" : workflow.redriveOf().toString());
        if (workflow.redriveOf() != null && partitions.of(workflow.redriveOf()) != partitions.of(workflow.id())) {
            throw new IllegalArgumentException("a redrive must be minted in its original's partition");
        }
        Set<String> declared = new LinkedHashSet<>(keys.scriptKeys());
        for (WorkflowBatch.Member member : workflow.members()) {
            Envelope envelope = member.envelope().envelope();
            if (partitions.of(envelope.id()) != partitions.of(workflow.id())) {
                throw new IllegalArgumentException("member " + envelope.id() + " is not in its workflow's partition");
            }
            declared.addAll(keys.queueKeys(envelope.queue()));
            argv.add(envelope.id().toString());
            argv.add(envelope.queue());
            argv.add(Integer.toString(envelope.priority()));
            argv.add(envelope.eta() == null ? "0" : Long.toString(envelope.eta().toEpochMilli()));
            argv.add(expiresArgument(envelope));
            argv.add(Long.toString(envelope.queuedAt().toEpochMilli()));
            argv.add(envelope.task());
            argv.add(member.envelope().json());
            argv.add(member.join().value);
            argv.add(Integer.toString(member.slots()));
            argv.add(Long.toString(member.delayMillis()));
            argv.add(Long.toString(member.expiresInMillis()));
            argv.add(String.join(",", member.successors().stream().map(WorkflowBatch.Successor::encoded).toList()));
            argv.add(member.parent() == null ? "" : member.parent().toString());
            argv.add(member.group() == null ? "" : member.group().toString());
            argv.add(Long.toString(member.envelope().timeLimit().toMillis()));
            // Given values follow as triples (slot, from, value): separate arguments keep each value's exact JSON.
            argv.add(Integer.toString(member.given().size()));
            member.given().forEach((slot, given) -> {
                argv.add(Integer.toString(slot));
                argv.add(given.from().toString());
                argv.add(given.valueJson());
            });
        }
        declared.add(keys.prefix() + "wf:" + workflow.id());
        List<Object> reply = refusedWhenFull(run(Script.ENQUEUE_WORKFLOW, List.copyOf(declared), argv));
        triggerReady(reply, 1);
        long stored = (Long) reply.getFirst();
        return stored > 0 ? WorkflowBatch.Result.CREATED : stored == 0 ? WorkflowBatch.Result.ALREADY_EXISTS
                : stored == -2 ? WorkflowBatch.Result.ALREADY_REDRIVEN : WorkflowBatch.Result.ORIGINAL_EXPIRED;
    }

    /** An enqueue's answer, unless it refused new work while no recorder drains the event stream (events_full). */
    private List<Object> refusedWhenFull(List<Object> reply) {
        if ("full".equals(reply.getFirst())) {
            throw new EventBacklogFullException((Long) reply.get(1), events.maxLength());
        }
        return reply;
    }

    /**
     * Tells the queue trigger of the workflow members a script made ready or delayed: the triples (id, queue, delay
     * ms) its answer carries from index {@code from} on (workflow.lua's WF_READY), as a dispatch tells it of its own.
     */
    void triggerReady(List<Object> reply, int from) {
        triggerReady(reply, from, id -> false);
    }

    /**
     * As {@link #triggerReady(List, int)}, leaving out the members the same call leased (a lease that released an
     * error callback can lease it in that call): they run already, and a message would only be answered "running".
     */
    void triggerReady(List<Object> reply, int from, Predicate<UUID> leasedHere) {
        if (reply.size() <= from) {
            return;
        }
        List<ReadyTrigger.Ready> ready = new ArrayList<>((reply.size() - from) / 3);
        for (int i = from; i + 2 < reply.size(); i += 3) {
            UUID id = UUID.fromString((String) reply.get(i));
            if (!leasedHere.test(id)) {
                ready.add(new ReadyTrigger.Ready(id, (String) reply.get(i + 1),
                        Duration.ofMillis((Long) reply.get(i + 2))));
            }
        }
        if (!ready.isEmpty()) {
            trigger.ready(ready);
        }
    }

    @Override
    public Optional<WorkflowBatch.StoredMember> workflowMember(UUID id) {
        List<KeyValue<String, String>> f = call(() -> commands().hmget(partitions.keys(id).task(id), "task", "state",
                "env", "tmpl", "join", "slots", "delay", "succ", "result", "parent", "group", "from", "expires_in"));
        if (!f.get(1).hasValue()) {
            return Optional.empty();
        }
        String env = f.get(2).getValueOrElse(null);
        return Optional.of(new WorkflowBatch.StoredMember(id, f.get(0).getValueOrElse(null),
                ExecutionStatus.of(f.get(1).getValue()), f.get(3).getValueOrElse(env),
                WorkflowBatch.Join.of(f.get(4).getValueOrElse("")), intOf(f.get(5).getValueOrElse(null)),
                Long.parseLong(f.get(6).getValueOrElse("0")), Long.parseLong(f.get(12).getValueOrElse("0")),
                WorkflowBatch.Successor.decodeAll(f.get(7).getValueOrElse(null)), f.get(8).getValueOrElse(null),
                uuidOf(f.get(9).getValueOrElse("")), uuidOf(f.get(10).getValueOrElse("")),
                givenFrom(f.get(11).getValueOrElse(""))));
    }

    /** A member's {@code from} field: {@code <slot>|<id>,...}. */
    private static Map<Integer, UUID> givenFrom(String encoded) {
        Map<Integer, UUID> from = new LinkedHashMap<>();
        for (String entry : encoded.isEmpty() ? new String[0] : encoded.split(",")) {
            int bar = entry.indexOf('|');
            from.put(Integer.parseInt(entry.substring(0, bar)), UUID.fromString(entry.substring(bar + 1)));
        }
        return from;
    }

    private static UUID uuidOf(String text) {
        return text.isEmpty() ? null : UUID.fromString(text);
    }

    @Override
    public Optional<String> workflowTree(UUID workflowId) {
        return Optional.ofNullable(call(() -> commands().hget(partitions.keys(workflowId).prefix() + "wf:"
                + workflowId, "spec")));
    }

    @Override
    public Revocation revoke(UUID id, String reason) {
        RedisKeys keys = partitions.keys(id);
        List<Object> reply = run(Script.REVOKE, keys.scriptKeys(), List.of(keys.prefix(), id.toString(), reason,
                Long.toString(config.resultTtl().toSeconds())));
        triggerReady(reply, 2); // error callbacks the revoke released
        return switch (((Long) reply.getFirst()).intValue()) {
            case 1 -> Revocation.REVOKED;
            case 2 -> Revocation.STOP_REQUESTED;
            case 0 -> Revocation.ALREADY_FINISHED;
            default -> Revocation.UNKNOWN;
        };
    }

    @Override
    public Promotion promote(UUID id, Integer seenRetries) {
        RedisKeys keys = partitions.keys(id);
        List<Object> reply = run(Script.PROMOTE, keys.scriptKeys(), List.of(keys.prefix(), id.toString(),
                seenRetries == null ? "" : seenRetries.toString()));
        Promotion.Outcome outcome = switch (((Long) reply.getFirst()).intValue()) {
            case 1 -> Promotion.Outcome.PROMOTED;
            case 0 -> Promotion.Outcome.NOT_DELAYED;
            case -2 -> Promotion.Outcome.LATER_ATTEMPT;
            default -> Promotion.Outcome.UNKNOWN;
        };
        return new Promotion(outcome, (String) reply.get(2));
    }

    @Override
    public Optional<ExecutionSnapshot> snapshot(UUID id) {
        Map<String, String> h = call(() -> commands().hgetall(partitions.keys(id).task(id)));
        if (h.isEmpty() || !h.containsKey("state")) {
            return Optional.empty();
        }
        return Optional.of(new ExecutionSnapshot(id, h.get("env"), ExecutionStatus.of(h.get("state")),
                h.get("queue"), intOf(h.get("progress")), h.get("step"), h.get("result"), h.get("exc"),
                h.get("message"), h.get("traceback"), h.get("reason"), intOf(h.get("retries")),
                intOf(h.get("deliveries")), h.get("worker"), instantOf(h.get("queued")),
                instantOf(h.get("started")), instantOf(h.get("finished")), instantOf(h.get("eta"))));
    }

    @Override
    public BrokerConsumer consumer(String workerId) {
        return new RedisBrokerConsumer(this, workerId);
    }

    /** The event stream for one recorder, all partitions' streams; {@code consumer} names it in each group. */
    public EventStream eventStream(String consumer) {
        if (partitions.count() == 1) {
            return new RedisEventStream(this, partitions.keys(0), consumer);
        }
        List<RedisEventStream> streams = new ArrayList<>(partitions.count());
        for (int p = 0; p < partitions.count(); p++) {
            streams.add(new RedisEventStream(this, partitions.keys(p), consumer));
        }
        return new PartitionedEventStream(partitions, streams);
    }

    /** Each partition's event stream length, partition 0 first: what no recorder has drained yet. */
    public List<Long> eventBacklog() {
        return call(() -> {
            List<Long> lengths = new ArrayList<>(partitions.count());
            for (int p = 0; p < partitions.count(); p++) {
                lengths.add(commands().xlen(partitions.keys(p).events()));
            }
            return lengths;
        });
    }

    @Override
    public Map<String, String> storedSettings() {
        return call(() -> commands().hgetall(RedisKeys.of(config.namespace()).settings()));
    }

    /** Replaces fields of the stored settings' copy (admin-api, from PostgreSQL); one HSET, so a reader sees all. */
    public void copyStoredSettings(Map<String, String> values) {
        call(() -> commands().hset(RedisKeys.of(config.namespace()).settings(), values));
    }

    public EventsConfig events() {
        return events;
    }

    @Override
    public void ping() {
        call(() -> commands().ping());
    }

    /** Partition 0's keys: the whole layout when P = 1, and the worker registry whatever P is. */
    RedisKeys keys() {
        return partitions.keys(0);
    }

    public Partitions partitions() {
        return partitions;
    }

    public boolean isCluster() {
        return connector.isCluster();
    }

    ChardConfig config() {
        return config;
    }

    /** The shared connection's commands; it is opened on first use so that a process starts while Redis is down. */
    BlockingCommands commands() {
        return shared().commands();
    }

    /** Lettuce's whole synchronous API on the shared connection, for the commands Chard itself never sends (tests). */
    RedisClusterCommands<String, String> sync() {
        return shared().sync();
    }

    private RedisConnection shared() {
        RedisConnection open = connection;
        if (open == null) {
            synchronized (this) {
                if (connection == null) {
                    connection = connect();
                }
                open = connection;
            }
        }
        return open;
    }

    /** A new connection of Chard's own (for the broker, or for one consumer's blocking reads). */
    RedisConnection connect() {
        if (closed) {
            // The Redis client may be shut down already, and a connect on it waits forever: a worker stopping
            // after the broker was closed (the context's order) must get an answer, not hang its process.
            throw new BrokerUnavailableException("the broker is closed (the application is stopping)", null);
        }
        RedisConnection opened = call(connector::connect);
        if (!layoutChecked) {
            try {
                checkLayout(opened);
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            layoutChecked = true;
        }
        return opened;
    }

    /**
     * Every key's hash tag depends on P (Partitions), so a process with another P than its namespace's reads and
     * writes keys no other process uses: an execution minted in partition 1 under P = 2 is out of reach under
     * P = 4, never leased, its settles refused as stale. The first process of a namespace records its P, and one
     * configured with another refuses every command, naming both, until it is configured back.
     */
    private void checkLayout(RedisConnection opened) {
        String key = partitions.keys(0).layout();
        String wanted = Integer.toString(partitions.count());
        Boolean first = call(() -> opened.sync().setnx(key, wanted));
        String stored = Boolean.TRUE.equals(first) ? wanted : call(() -> opened.sync().get(key));
        if (!wanted.equals(stored)) {
            throw new IllegalStateException("chard.partitions is " + wanted + ", but namespace '" + config.namespace()
                    + "' was created with " + stored + " partitions (" + key + "); the partitions of a namespace "
                    + "cannot change: configure " + stored + ", or move to a new namespace and drain this one");
        }
    }

    /**
     * Closes the shared connection; the next command opens a new one. For checkpoint hooks: a snapshot (SnapStart,
     * CRaC) must not carry an open socket, which would be dead, or shared by every copy, after a restore.
     */
    public synchronized void disconnect() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Closes the shared connection for good, when the application stops. */
    @PreDestroy
    synchronized void close() {
        closed = true;
        disconnect();
    }

    /** Runs a script; {@code keys} are the keys it declares, the partition's prefix first. */
    <T> T run(Script script, List<String> keys, List<String> argv) {
        return call(() -> scripts().run(commands(), script, ScriptOutputType.MULTI, keys, argv));
    }

    /** Runs a script on {@code connection} right behind a blocking pop, with no round trip between. */
    BlockingCommands.PopThenScript<List<Object>> runAfterPop(RedisConnection connection, double timeoutSeconds,
                                                             String[] wakeKeys, Script script, List<String> keys,
                                                             List<String> argv) {
        return scripts().runAfterPop(connection.commands(), timeoutSeconds, wakeKeys, script, ScriptOutputType.MULTI,
                keys, argv);
    }

    Long runForInteger(Script script, List<String> keys, List<String> argv) {
        return call(() -> scripts().run(commands(), script, ScriptOutputType.INTEGER, keys, argv));
    }

    static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisCommandExecutionException e) {
            if (isTransient(e)) {
                throw new BrokerUnavailableException("Redis is not serving commands: " + e.getMessage(), e);
            }
            throw new IllegalStateException("Redis refused a Chard command: " + e.getMessage(), e);
        } catch (RedisException e) {
            throw new BrokerUnavailableException("Redis is unavailable: " + e.getMessage(), e);
        }
    }

    private LuaScripts scripts() {
        try {
            return scripts.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static boolean isTransient(RedisCommandExecutionException e) {
        String message = String.valueOf(e.getMessage());
        return TRANSIENT.stream().anyMatch(message::startsWith);
    }

    private static int intOf(String value) {
        return value == null || value.isEmpty() ? 0 : (int) Double.parseDouble(value);
    }

    private static Instant instantOf(String millis) {
        return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }
}
