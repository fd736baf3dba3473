package io.chard.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * Key names of one partition outside the scripts (the scripts build the same names from the prefix, KEYS[1], in
 * their prelude). Every key of a partition shares its hash tag, so each script runs on one Redis Cluster slot.
 */
public record RedisKeys(String prefix) {

    /** Partition 0: the tag {@code {namespace}}, the whole layout when there is one partition. */
    public static RedisKeys of(String namespace) {
        return tagged(namespace);
    }

    /** The keys under the hash tag {@code {tag}} (see {@link Partitions} for the tags of partitions above 0). */
    static RedisKeys tagged(String tag) {
        return new RedisKeys("{" + tag + "}:");
    }

    /**
     * The keys every script declares first, in this order: the partition's prefix (its anchor: Redis Cluster
     * routes the call by it), the event stream, the FIFO sequence, the fencing counter, the queue registry and
     * each queue's last use.
     */
    public List<String> scriptKeys() {
        return new ArrayList<>(List.of(prefix, events(), prefix + "seq", prefix + "fence", queues(), queuesUsed()));
    }

    /**
     * The hash of stored settings admin-api copies from PostgreSQL for the processes that have no database
     * ({@code io.chard.client.TaskDefaults}); one per namespace, under partition 0's tag.
     */
    public String settings() {
        return prefix + "settings";
    }

    /** The four keys of a queue in this partition, as scripts declare them: ready, delayed, leased, wake. */
    public List<String> queueKeys(String queue) {
        return List.of(queue(queue, "ready"), queue(queue, "delayed"), queue(queue, "leased"), wake(queue));
    }

    /** The namespace's partition count, as its first process recorded it (under partition 0's tag only). */
    public String layout() {
        return prefix + "partitions";
    }

    public String idempotency(String key) {
        return prefix + "idem:" + key;
    }

    public String task(Object id) {
        return prefix + "t:" + id;
    }

    public String queue(String queue, String part) {
        return prefix + "q:" + queue + ":" + part;
    }

    public String wake(String queue) {
        return queue(queue, "wake");
    }

    public String queues() {
        return prefix + "queues";
    }

    /** Each queue's last use (zset: queue -> ms), when work last entered it: see {@link UnusedQueues}. */
    public String queuesUsed() {
        return prefix + "queues:used";
    }

    /** The names of the paused queues; every partition holds the whole set (see {@link QueueControl}). */
    public String paused() {
        return prefix + "paused";
    }

    /** Limit name -> spec, read by the lease scripts (limits.lua, {@link LimitDeclarations}). */
    public String limits() {
        return prefix + "limits";
    }

    /**
     * The keys the scripts including limits.lua declare after their own: the limits hash and {@code lim:due} (a
     * limit's own keys depend on the execution's task, queue or key, and are built in the script).
     */
    public List<String> limitKeys() {
        return List.of(limits(), prefix + "lim:due");
    }

    /** {@link #scriptKeys()} and then {@link #limitKeys()}: settle and release. */
    public List<String> scriptAndLimitKeys() {
        List<String> keys = scriptKeys();
        keys.addAll(limitKeys());
        return keys;
    }

    public String events() {
        return prefix + "events";
    }

    public String workers() {
        return prefix + "workers";
    }

    public String worker(String id) {
        return prefix + "w:" + id;
    }
}
