package io.chard.broker;

import io.chard.broker.LuaScripts.Script;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One worker's use of the Redis broker. Scripts go over the shared, pipelined connection; the blocking
 * wait for work has a connection of its own, because a blocked shared connection stalls every command
 * queued behind it.
 */
final class RedisBrokerConsumer implements BrokerConsumer {
    private final RedisBroker broker;
    private final String workerId;
    private final RedisKeys keys;
    private StatefulRedisConnection<String, String> blocking;

    RedisBrokerConsumer(RedisBroker broker, String workerId) {
        this.broker = broker;
        this.workerId = workerId;
        this.keys = broker.keys();
    }

    @Override
    public LeaseBatch lease(List<String> queues, int max, Duration leaseDuration, Fit fit) {
        List<String> argv = new ArrayList<>(7 + queues.size());
        argv.add(keys.prefix());
        argv.add(workerId);
        argv.add(Long.toString(leaseDuration.toMillis()));
        argv.add(Integer.toString(max));
        argv.add(Long.toString(broker.config().resultTtl().toSeconds()));
        argv.add(Long.toString(fitMillis(fit)));
        argv.add(Long.toString(fit.budget().toMillis()));
        argv.addAll(queues);
        List<Object> reply = broker.run(Script.LEASE, argv);
        long waitMillis = (Long) reply.getFirst();
        List<Delivery> deliveries = new ArrayList<>((reply.size() - 1) / 5);
        for (int i = 1; i < reply.size(); i += 5) {
            deliveries.add(new Delivery(UUID.fromString((String) reply.get(i)), String.valueOf(reply.get(i + 1)),
                    ((Long) reply.get(i + 2)).intValue(), ((Long) reply.get(i + 3)).intValue(),
                    (String) reply.get(i + 4)));
        }
        return new LeaseBatch(deliveries, waitMillis < 0 ? null : Duration.ofMillis(waitMillis));
    }

    @Override
    public List<IdLease> leaseIds(List<UUID> ids, Duration leaseDuration, Fit fit) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(6 + ids.size());
        argv.add(keys.prefix());
        argv.add(workerId);
        argv.add(Long.toString(leaseDuration.toMillis()));
        argv.add(Long.toString(broker.config().resultTtl().toSeconds()));
        argv.add(Long.toString(fitMillis(fit)));
        argv.add(Long.toString(fit.budget().toMillis()));
        ids.forEach(id -> argv.add(id.toString()));
        List<Object> reply = broker.run(Script.LEASE_IDS, argv);
        List<IdLease> results = new ArrayList<>(ids.size());
        for (int i = 0; i < reply.size(); i += 6) {
            UUID id = UUID.fromString((String) reply.get(i));
            IdLeaseCode code = IdLeaseCode.valueOf(((String) reply.get(i + 1)).toUpperCase());
            String token = String.valueOf(reply.get(i + 2));
            Delivery delivery = code == IdLeaseCode.LEASED ? new Delivery(id, token,
                    ((Long) reply.get(i + 3)).intValue(), ((Long) reply.get(i + 4)).intValue(),
                    (String) reply.get(i + 5)) : null;
            java.time.Instant dueAt = code == IdLeaseCode.NOT_DUE
                    ? java.time.Instant.ofEpochMilli(Long.parseLong(token)) : null;
            results.add(new IdLease(id, code, delivery, dueAt));
        }
        return results;
    }

    /** The fit in whole milliseconds, at least 1 when set (0 means no check to the scripts). */
    private static long fitMillis(Fit fit) {
        return fit.any() ? 0 : Math.max(1, fit.within().toMillis());
    }

    @Override
    public List<Boolean> settle(List<Settlement> settlements) {
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
        List<Object> reply = broker.run(Script.SETTLE, argv);
        List<Boolean> accepted = new ArrayList<>(reply.size());
        for (Object code : reply) {
            accepted.add(((Long) code) == 1);
        }
        return accepted;
    }

    @Override
    public HeartbeatReply heartbeat(List<LeaseRef> leases, Duration leaseDuration, String registryEntry,
                                    Duration entryTtl) {
        List<String> argv = new ArrayList<>(5 + leases.size() * 2);
        argv.add(keys.prefix());
        argv.add(workerId);
        argv.add(Long.toString(leaseDuration.toMillis()));
        argv.add(Long.toString(Math.max(1, entryTtl.toSeconds())));
        argv.add(registryEntry);
        addLeases(argv, leases);
        List<Object> reply = broker.run(Script.HEARTBEAT, argv);
        return new HeartbeatReply(ids(reply.get(0)), ids(reply.get(1)));
    }

    @Override
    public void release(List<LeaseRef> leases) {
        if (leases.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(1 + leases.size() * 2);
        argv.add(keys.prefix());
        addLeases(argv, leases);
        broker.run(Script.RELEASE, argv);
    }

    @Override
    public boolean progress(LeaseRef lease, int percent, String step) {
        return broker.runForInteger(Script.PROGRESS, List.of(keys.prefix(), lease.id().toString(), lease.token(),
                Integer.toString(percent), step == null ? "" : step)) == 1;
    }

    @Override
    public void awaitWork(List<String> queues, Duration max) {
        double seconds = Math.max(0.01, max.toMillis() / 1000.0);
        String[] wakeKeys = queues.stream().map(keys::wake).toArray(String[]::new);
        RedisBroker.call(() -> blocking().sync().blpop(seconds, wakeKeys));
    }

    @Override
    public void deregister() {
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

    private synchronized StatefulRedisConnection<String, String> blocking() {
        if (blocking == null) {
            blocking = broker.connect();
        }
        return blocking;
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
