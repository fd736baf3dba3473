package io.chard.broker;

import jakarta.inject.Singleton;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pauses, resumes and purges queues. A paused queue accepts dispatches and its housekeeping runs, but the lease scripts
 * (which read the partition's {@code paused} set, see prelude.lua) lease nothing of it. A script reads only its own
 * slot, so the name is written to every partition's set; the state lives in Redis and survives restarts of every
 * process. Plain commands, not a script: each partition's write stands alone, and a pause or resume cut short by
 * an outage (an error to the caller) is completed by repeating it.
 */
@Singleton
public final class QueueControl {
    /** Executions one purge call revokes: about a millisecond of Redis' time, so other clients are not held up. */
    private static final int PURGE_BATCH = 1_000;
    private final RedisBroker broker;

    public QueueControl(RedisBroker broker) {
        this.broker = broker;
    }

    /** @return false when the queue was paused already (in every partition) */
    public boolean pause(String queue) {
        return RedisBroker.call(() -> {
            Partitions partitions = broker.partitions();
            long added = 0;
            for (int p = 0; p < partitions.count(); p++) {
                added += broker.commands().sadd(partitions.keys(p).paused(), queue);
            }
            return added > 0;
        });
    }

    /**
     * Also wakes the queue in every partition, so idle workers lease its waiting executions at once.
     *
     * @return false when the queue was not paused (in any partition)
     */
    public boolean resume(String queue) {
        return RedisBroker.call(() -> {
            Partitions partitions = broker.partitions();
            long removed = 0;
            for (int p = 0; p < partitions.count(); p++) {
                RedisKeys keys = partitions.keys(p);
                removed += broker.commands().srem(keys.paused(), queue);
                broker.commands().lpush(keys.wake(queue), "1");
                broker.commands().ltrim(keys.wake(queue), 0, 0);
            }
            return removed > 0;
        });
    }

    /**
     * Revokes every waiting execution of the queue (ready, delayed, or held back by a rate limit or concurrency cap)
     * with reason {@code purged}, partition by partition, {@value #PURGE_BATCH} per script call; running ones are
     * left to finish.
     *
     * @return how many were revoked
     * @throws PurgeStoppedException when the history's event stream reached its bound with work left (no recorder
     *                               drains it); the executions revoked before stay revoked
     */
    public long purge(String queue) {
        Partitions partitions = broker.partitions();
        String ttl = Long.toString(broker.config().resultTtl().toSeconds());
        long purged = 0;
        for (int p = 0; p < partitions.count(); p++) {
            RedisKeys keys = partitions.keys(p);
            List<String> declared = keys.scriptKeys();
            declared.add(keys.queue(queue, "ready"));
            declared.add(keys.queue(queue, "delayed"));
            declared.add(keys.queue(queue, "held"));
            List<String> argv = List.of(keys.prefix(), queue, ttl, Integer.toString(PURGE_BATCH));
            long revoked;
            boolean cut;
            do {
                List<Object> reply = broker.run(LuaScripts.Script.PURGE, declared, argv);
                if ("full".equals(reply.getFirst())) {
                    throw new PurgeStoppedException(purged, (Long) reply.get(1));
                }
                broker.triggerReady(reply, 2); // error callbacks the purged members' workflows released
                revoked = (Long) reply.getFirst();
                cut = (Long) reply.get(1) == 1;
                purged += revoked;
                // Again only while a call took all it could: one more after a short call would purge the error
                // callbacks the last one released into this queue, which must run.
            } while (revoked == PURGE_BATCH || cut);
        }
        return purged;
    }

    /** The queues paused in any partition (a pause cut short by an outage shows, so it can be repeated). */
    public Set<String> paused() {
        return RedisBroker.call(() -> {
            Partitions partitions = broker.partitions();
            Set<String> paused = new TreeSet<>();
            for (int p = 0; p < partitions.count(); p++) {
                paused.addAll(broker.commands().smembers(partitions.keys(p).paused()));
            }
            return paused;
        });
    }
}
