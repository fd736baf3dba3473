package io.chard.broker;

import io.chard.broker.LuaScripts.Script;
import io.lettuce.core.RedisCommandExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * One worker's use of the Redis broker. Scripts go over the shared, pipelined connection; the blocking
 * wait for work has a connection of its own, because a blocked shared connection stalls every command
 * queued behind it. With P partitions, each lease call starts one partition further on and moves on while
 * slots are left, so every partition is served; reports (settle, heartbeat, release) go in one script call per
 * partition their ids name. Longer than our other files: one argument list and one reply parse per script the
 * worker calls, kept side by side so each script's Java half sits next to the others.
 */
final class RedisBrokerConsumer implements BrokerConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBrokerConsumer.class);

    private final RedisBroker broker;
    private final String workerId;
    private final Partitions partitions;
    private RedisConnection blocking;
    /** The partition whose turn it is: the next lease call starts there. */
    private int turn;
    /** Partitions left out of lease calls, and of waits for work, after a failure (each kind resting on its own). */
    private final PartitionRest leaseRest;
    private final PartitionRest waitRest;

    RedisBrokerConsumer(RedisBroker broker, String workerId) {
        this.broker = broker;
        this.workerId = workerId;
        this.partitions = broker.partitions();
        this.leaseRest = new PartitionRest(partitions.count(), "leasing", LOG, System::nanoTime);
        this.waitRest = new PartitionRest(partitions.count(), "waiting for work", LOG, System::nanoTime);
    }

    /**
     * Leases from the partitions in turn while slots are left. What a partition leased runs in Redis under tokens
     * only this answer carries, so a later partition's failure must not drop it: the failing partition rests
     * ({@link PartitionRest}) and the call goes on to the others. It fails only when no partition answered. The
     * batch's next due time is at most the end of the shortest rest: a resting partition may hold ready work, so a
     * drain is not dry while one rests, and a worker looks again once the rest is over.
     */
    @Override
    public LeaseBatch lease(List<String> queues, int max, Duration leaseDuration, Fit fit) {
        int count = partitions.count();
        int first = turn;
        turn = (turn + 1) % count;
        LeaseBatch leased = new LeaseBatch(List.of(), null);
        PartitionRest.Round round = leaseRest.round();
        for (int i = 0; i < count && leased.deliveries().size() < max; i++) {
            int partition = (first + i) % count;
            int left = max - leased.deliveries().size();
            leased = leased.plus(round.call(partition, () -> lease(partitions.keys(partition), queues, left,
                            leaseDuration, fit))
                    .orElseGet(() -> new LeaseBatch(List.of(), leaseRest.restLeft(partition))));
        }
        round.requireAnswer("every partition is resting after failed lease calls");
        return leased;
    }

    private LeaseBatch lease(RedisKeys keys, List<String> queues, int max, Duration leaseDuration, Fit fit) {
        return leaseBatch(broker.run(Script.LEASE, leaseKeys(keys, queues), leaseArgv(keys, queues, max,
                leaseDuration, fit)), queues);
    }

    private static List<String> leaseKeys(RedisKeys keys, List<String> queues) {
        List<String> declared = keys.scriptKeys();
        declared.add(keys.paused());
        queues.forEach(queue -> declared.addAll(keys.queueKeys(queue)));
        declared.addAll(keys.limitKeys());
        return declared;
    }

    private List<String> leaseArgv(RedisKeys keys, List<String> queues, int max, Duration leaseDuration, Fit fit) {
        List<String> argv = new ArrayList<>(7 + queues.size());
        argv.add(keys.prefix());
        argv.add(workerId);
        argv.add(Long.toString(leaseDuration.toMillis()));
        argv.add(Integer.toString(max));
        argv.add(Long.toString(broker.config().resultTtl().toSeconds()));
        argv.add(Long.toString(fitMillis(fit)));
        argv.add(Long.toString(fit.budget().toMillis()));
        argv.addAll(queues);
        return argv;
    }

    private LeaseBatch leaseBatch(List<Object> reply, List<String> queues) {
        long waitMillis = (Long) reply.getFirst();
        int leased = ((Long) reply.get(1)).intValue();
        // Lapses by queue; no map is built while none lapsed (the usual case).
        Map<String, Integer> lapsed = Map.of();
        for (int q = 0; q < queues.size(); q++) {
            int n = ((Long) reply.get(2 + q)).intValue();
            if (n > 0) {
                lapsed = lapsed.isEmpty() ? new HashMap<>() : lapsed;
                lapsed.merge(queues.get(q), n, Integer::sum);
            }
        }
        int first = 2 + queues.size();
        int end = first + leased * 6;
        List<Delivery> deliveries = new ArrayList<>(leased);
        for (int i = first; i < end; i += 6) {
            deliveries.add(new Delivery(UUID.fromString((String) reply.get(i)), String.valueOf(reply.get(i + 1)),
                    ((Long) reply.get(i + 2)).intValue(), ((Long) reply.get(i + 3)).intValue(),
                    (String) reply.get(i + 4), (Long) reply.get(i + 5)));
        }
        // Error callbacks of members that expired, but for those this call leased as well.
        broker.triggerReady(reply, end, id -> deliveries.stream().anyMatch(d -> d.id().equals(id)));
        return new LeaseBatch(deliveries, waitMillis < 0 ? null : Duration.ofMillis(waitMillis), lapsed);
    }

    /**
     * One script call per partition the ids name; the answers come back in the order of {@code ids}. As in
     * {@link #lease(List, int, Duration, Fit)}, what a partition leased runs under tokens only this answer carries,
     * so another partition's failure must not drop it: a failing partition rests (the same rest as lease calls': it
     * is the same master) and its ids, like a resting partition's, are answered unreached and left to their
     * messages. The call fails only when no partition answered.
     */
    @Override
    public List<IdLease> leaseIds(List<UUID> ids, Duration leaseDuration, Fit fit) {
        if (ids.isEmpty()) {
            return List.of();
        }
        PartitionRest.Round round = leaseRest.round();
        List<IdLease> results = partitions.perPartition(ids, Function.identity(), (keys, some) ->
                round.call(partitions.of(some.getFirst()), () -> leaseIds(keys, some, leaseDuration, fit))
                        .orElseGet(() -> some.stream().map(IdLease::unreached).toList()));
        round.requireAnswer("every partition these ids name is resting after failed lease calls");
        return results;
    }

    private List<IdLease> leaseIds(RedisKeys keys, List<UUID> ids, Duration leaseDuration, Fit fit) {
        List<String> argv = new ArrayList<>(6 + ids.size());
        argv.add(keys.prefix());
        argv.add(workerId);
        argv.add(Long.toString(leaseDuration.toMillis()));
        argv.add(Long.toString(broker.config().resultTtl().toSeconds()));
        argv.add(Long.toString(fitMillis(fit)));
        argv.add(Long.toString(fit.budget().toMillis()));
        ids.forEach(id -> argv.add(id.toString()));
        List<String> declared = keys.scriptKeys();
        declared.add(keys.paused());
        declared.addAll(keys.limitKeys());
        List<Object> reply = broker.run(Script.LEASE_IDS, declared, argv);
        List<IdLease> results = new ArrayList<>(ids.size());
        int end = ids.size() * 8;
        for (int i = 0; i < end; i += 8) {
            UUID id = UUID.fromString((String) reply.get(i));
            IdLeaseCode code = IdLeaseCode.valueOf(((String) reply.get(i + 1)).toUpperCase());
            String token = String.valueOf(reply.get(i + 2));
            Delivery delivery = code == IdLeaseCode.LEASED ? new Delivery(id, token,
                    ((Long) reply.get(i + 3)).intValue(), ((Long) reply.get(i + 4)).intValue(),
                    (String) reply.get(i + 5), (Long) reply.get(i + 6)) : null;
            Instant dueAt = code == IdLeaseCode.NOT_DUE ? Instant.ofEpochMilli(Long.parseLong(token)) : null;
            String lapsedFrom = (String) reply.get(i + 7);
            results.add(new IdLease(id, code, delivery, dueAt, lapsedFrom.isEmpty() ? null : lapsedFrom));
        }
        // Error callbacks of members that expired or were revoked while waiting, but for those leased here.
        broker.triggerReady(reply, end, id -> results.stream().anyMatch(r -> r.delivery() != null
                && r.id().equals(id)));
        return results;
    }

    /** The fit in whole milliseconds, at least 1 when set (0 means no check to the scripts). */
    private static long fitMillis(Fit fit) {
        return fit.any() ? 0 : Math.max(1, fit.within().toMillis());
    }

    @Override
    public List<Boolean> settle(List<Settlement> settlements) {
        return partitions.perPartition(settlements, s -> s.lease().id(), this::settle);
    }

    private List<Boolean> settle(RedisKeys keys, List<Settlement> settlements) {
        List<String> argv = new ArrayList<>(3 + settlements.size() * 7);
        argv.add(keys.prefix());
        argv.add(workerId);
        argv.add(Long.toString(broker.config().resultTtl().toSeconds()));
        for (Settlement settlement : settlements) {
            argv.add(settlement.lease().id().toString());
            argv.add(settlement.lease().token());
            switch (settlement.outcome()) {
                case Outcome.Success s -> add(argv, "success", s.resultJson(), "", "", "");
                case Outcome.Failure f -> add(argv, "failure", f.exceptionType(), f.message(), f.traceback(), "");
                case Outcome.Retry r -> add(argv, "retry", Long.toString(r.delay().toMillis()), r.exceptionType(),
                        r.message(), r.traceback());
                case Outcome.Revoked r -> add(argv, "revoked", r.reason(), "", "", "");
            }
        }
        List<Object> reply = broker.run(Script.SETTLE, keys.scriptAndLimitKeys(), argv);
        List<Boolean> accepted = new ArrayList<>(settlements.size());
        for (int i = 0; i < settlements.size(); i++) {
            accepted.add(((Long) reply.get(i)) == 1);
        }
        broker.triggerReady(reply, settlements.size()); // a workflow's next steps
        return accepted;
    }

    /** One call per partition holding leases; the registry entry is written by partition 0's call, always made. */
    @Override
    public HeartbeatReply heartbeat(List<LeaseRef> leases, Duration leaseDuration, String registryEntry,
                                    Duration entryTtl) {
        Map<Integer, List<Integer>> byPartition = byPartition(leases, LeaseRef::id);
        byPartition.putIfAbsent(0, List.of());
        Set<UUID> cancel = new HashSet<>();
        Set<UUID> lost = new HashSet<>();
        byPartition.forEach((partition, positions) -> {
            RedisKeys keys = partitions.keys(partition);
            List<String> argv = new ArrayList<>(5 + positions.size() * 2);
            argv.add(keys.prefix());
            argv.add(workerId);
            argv.add(Long.toString(leaseDuration.toMillis()));
            // Whole seconds, rounded up: rounded down, three beats of 666 ms lived 1 s, and one beat a third late
            // dropped a live worker from the registry.
            argv.add(Long.toString(Math.max(1, (entryTtl.toMillis() + 999) / 1000)));
            argv.add(partition == 0 ? registryEntry : "");
            addLeases(argv, positions.stream().map(leases::get).toList());
            List<String> declared = keys.scriptKeys();
            if (partition == 0) {
                declared.add(keys.workers());
                declared.add(keys.worker(workerId));
            }
            List<Object> reply = broker.run(Script.HEARTBEAT, declared, argv);
            cancel.addAll(ids(reply.get(0)));
            lost.addAll(ids(reply.get(1)));
        });
        return new HeartbeatReply(cancel, lost);
    }

    @Override
    public void release(List<LeaseRef> leases) {
        byPartition(leases, LeaseRef::id).forEach((partition, positions) -> {
            RedisKeys keys = partitions.keys(partition);
            List<String> argv = new ArrayList<>(1 + positions.size() * 2);
            argv.add(keys.prefix());
            addLeases(argv, positions.stream().map(leases::get).toList());
            broker.run(Script.RELEASE, keys.scriptAndLimitKeys(), argv);
        });
    }

    @Override
    public boolean progress(LeaseRef lease, int percent, String step) {
        RedisKeys keys = partitions.keys(lease.id());
        return broker.runForInteger(Script.PROGRESS, keys.scriptKeys(), List.of(keys.prefix(), lease.id().toString(),
                lease.token(), Integer.toString(percent), step == null ? "" : step)) == 1;
    }

    /**
     * Blocks on the wake lists of one partition at a time (a blocking pop may name keys of one slot only), for
     * an equal share of {@code max} each, starting with the partition whose turn it is; a partition that wakes
     * it is leased from first. A resting partition is left out, and one whose pop fails starts to rest (apart from
     * its lease calls: its scripts may still work); when none could be waited on, it sleeps {@code max} instead.
     */
    @Override
    public void awaitWork(List<String> queues, Duration max) {
        int count = partitions.count();
        double seconds = Math.max(0.01, max.toMillis() / 1000.0 / count);
        PartitionRest.Round round = waitRest.round();
        for (int i = 0; i < count; i++) {
            int partition = (turn + i) % count;
            if (leaseRest.resting(partition)) {
                continue;
            }
            String[] wakeKeys = wakeKeys(partitions.keys(partition), queues);
            if (round.call(partition, () -> RedisBroker.call(() -> blockingPop(seconds, wakeKeys))).orElse(false)) {
                turn = partition;
                return;
            }
        }
        if (!round.anyAnswered()) {
            // No partition could be waited on: the lease call that follows must not come at once, again and again.
            sleep(max);
        }
    }

    /**
     * Waits on one partition at a time as {@link #awaitWork} does, each wait with the lease script sent right
     * behind it on the blocking connection: Redis runs the lease the moment the pop returns, so work dispatched to
     * a waiting worker is leased without a trip back to the worker first (at 200 dispatches/s the lease's round
     * trip was half of the time from dispatch to start: docs/architecture.md, "The wait that leases"). It answers
     * the first batch that leased something. Where the waits alone could miss work, it ends with a lease call over
     * every partition, as each wait did before: after a wake that leased nothing (another worker took the work, or
     * the marker was for a paused or limited queue or a new due time; steady wakes of one partition must not keep
     * the others unserved), after a partition it could not wait on (its waits rest after a failure), and, after a
     * sleep, when it could wait on none.
     */
    @Override
    public LeaseBatch awaitThenLease(List<String> queues, int max, Duration leaseDuration, Fit fit, Duration wait) {
        int count = partitions.count();
        double seconds = Math.min(Math.max(0.01, wait.toMillis() / 1000.0 / count), longestPop());
        PartitionRest.Round round = waitRest.round();
        // What the leases behind the waits answered so far: nothing leased, but due times and lapses (counted in
        // the worker's metrics) that the answer must keep.
        LeaseBatch answered = new LeaseBatch(List.of(), null);
        boolean leaseEverywhere = false;
        for (int i = 0; i < count; i++) {
            int partition = (turn + i) % count;
            if (leaseRest.resting(partition)) {
                answered = answered.plus(new LeaseBatch(List.of(), leaseRest.restLeft(partition)));
                continue;
            }
            Optional<Woken> woken = round.call(partition, () -> RedisBroker.call(() -> wokenLease(
                    partitions.keys(partition), queues, max, leaseDuration, fit, seconds)));
            if (woken.isEmpty()) {
                leaseEverywhere = true;
                continue;
            }
            answered = answered.plus(woken.get().batch());
            if (!answered.deliveries().isEmpty()) {
                turn = partition;
                return answered;
            }
            if (woken.get().popped()) {
                turn = partition;
                return answered.plus(lease(queues, max, leaseDuration, fit));
            }
        }
        if (!round.anyAnswered()) {
            sleep(wait);
            leaseEverywhere = true;
        }
        return leaseEverywhere ? answered.plus(lease(queues, max, leaseDuration, fit)) : answered;
    }

    /**
     * The longest pop with a lease behind it, in seconds: half the command timeout. On a Redis Cluster the timeout
     * counts from the write, so the script's time starts with the pop's.
     */
    private double longestPop() {
        return broker.config().redisTimeout().toMillis() / 2000.0;
    }

    /**
     * What a wait with its lease behind it answered: what the lease leased, and whether a marker woke the wait
     * (looked at only when the lease leased nothing; a lease that did is answered whatever its pop did).
     */
    private record Woken(boolean popped, LeaseBatch batch) {
    }

    /**
     * What the lease leased runs whatever the pop answered: its tokens are in this answer only. A pop that failed
     * for another reason than a failover fails the wait, unless the lease handed something over.
     */
    private Woken wokenLease(RedisKeys keys, List<String> queues, int max, Duration leaseDuration, Fit fit,
                             double seconds) {
        BlockingCommands.PopThenScript<List<Object>> answers = broker.runAfterPop(blocking(), seconds,
                wakeKeys(keys, queues), Script.LEASE, leaseKeys(keys, queues),
                leaseArgv(keys, queues, max, leaseDuration, fit));
        LeaseBatch batch = leaseBatch(answers.script().get(), queues);
        if (!batch.deliveries().isEmpty()) {
            return new Woken(false, batch);
        }
        RuntimeException popFailure = answers.pop().failure();
        return new Woken(popFailure == null ? answers.pop().value() != null : wokenByFailover(popFailure), batch);
    }

    private static String[] wakeKeys(RedisKeys keys, List<String> queues) {
        return queues.stream().map(keys::wake).toArray(String[]::new);
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * True when a marker was popped. A failover unblocks the pop with UNBLOCKED (or a redirection): that is
     * an early wake-up, not an error, since the lease call that follows finds the new master.
     */
    private boolean blockingPop(double seconds, String[] wakeKeys) {
        try {
            return blocking().commands().blpop(seconds, wakeKeys) != null;
        } catch (RedisCommandExecutionException e) {
            return wokenByFailover(e);
        }
    }

    /** True for the failures a failover ends a blocking pop with; any other is thrown. */
    private static boolean wokenByFailover(RuntimeException failure) {
        String message = String.valueOf(failure.getMessage());
        if (failure instanceof RedisCommandExecutionException && (message.startsWith("UNBLOCKED")
                || message.startsWith("MOVED") || message.startsWith("CLUSTERDOWN"))) {
            return true;
        }
        throw failure;
    }

    @Override
    public void deregister() {
        RedisKeys keys = broker.keys();
        RedisBroker.call(() -> {
            broker.commands().zrem(keys.workers(), workerId);
            return broker.commands().del(keys.worker(workerId));
        });
    }

    @Override
    public synchronized void close() {
        if (blocking != null) {
            blocking.close();
            blocking = null;
        }
    }

    private synchronized RedisConnection blocking() {
        if (blocking == null) {
            blocking = broker.connect();
        }
        return blocking;
    }

    /** Positions of {@code items} by the partition of their execution id, partitions in ascending order. */
    private <T> Map<Integer, List<Integer>> byPartition(List<T> items, Function<T, UUID> id) {
        Map<Integer, List<Integer>> positions = new TreeMap<>();
        for (int i = 0; i < items.size(); i++) {
            positions.computeIfAbsent(partitions.of(id.apply(items.get(i))), p -> new ArrayList<>()).add(i);
        }
        return positions;
    }

    private static void add(List<String> argv, String outcome, String a, String b, String c, String d) {
        argv.add(outcome);
        argv.add(a == null ? "" : a);
        argv.add(b == null ? "" : b);
        argv.add(c == null ? "" : c);
        argv.add(d == null ? "" : d);
    }

    private static void addLeases(List<String> argv, List<LeaseRef> leases) {
        for (LeaseRef lease : leases) {
            argv.add(lease.id().toString());
            argv.add(lease.token());
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<UUID> ids(Object reply) {
        Set<UUID> ids = new HashSet<>();
        for (Object id : (List<Object>) reply) {
            ids.add(UUID.fromString((String) id));
        }
        return ids;
    }
}
