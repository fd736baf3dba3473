package io.chard.broker;

import io.chard.task.FlowLimit;
import io.chard.task.FlowLimits;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes this process's rate limits and caps to every partition's {@code limits} hash, where the lease scripts
 * read them (limits.lua). Every partition, not only the pinned one: a task on a limited queue is pinned by the
 * queue, so its own limit must be readable there too, and P hash writes at start cost nothing. Last writer wins:
 * workers of one namespace are expected to run the same task code. A limit whose spec changed has its held
 * executions rechecked at the next lease.
 */
@Singleton
public final class LimitDeclarations {
    private final RedisBroker broker;
    private final FlowLimits limits;

    public LimitDeclarations(RedisBroker broker, FlowLimits limits) {
        this.broker = broker;
        this.limits = limits;
    }

    public void declare() {
        Map<String, String> specs = new HashMap<>();
        List<String> lifted = new ArrayList<>();
        limits.declared().forEach((name, limit) -> {
            if (limit.limited()) {
                specs.put(name, limit.spec());
            } else {
                lifted.add(name);
            }
        });
        RedisBroker.call(() -> {
            Partitions partitions = broker.partitions();
            for (int p = 0; p < partitions.count(); p++) {
                RedisKeys keys = partitions.keys(p);
                String key = keys.limits();
                Map<String, String> before = broker.commands().hgetall(key);
                if (!specs.isEmpty()) {
                    broker.commands().hset(key, specs);
                }
                // A queue's limit comes from configuration every process shares: one no longer configured is
                // lifted too (its executions are no longer pinned, so it would go on counting per partition).
                List<String> gone = new ArrayList<>(lifted);
                for (String name : before.keySet()) {
                    if (name.startsWith(FlowLimit.ofQueue("")) && !specs.containsKey(name)) {
                        gone.add(name);
                    }
                }
                if (!gone.isEmpty()) {
                    broker.commands().hdel(key, gone.toArray(String[]::new));
                }
                // A limit changed or lifted is rechecked at the next lease: what it holds waited for the old
                // limit's window to open (up to an hour for N/h) while new dispatches started at once. A per-key
                // limit waits under its task's name, a newline and the key (limits.lua), once per key.
                String due = keys.limitKeys().get(1);
                for (String waiting : broker.commands().zrange(due, 0, -1)) {
                    String name = waiting.split("\n", 2)[0];
                    if (before.containsKey(name) && !before.get(name).equals(specs.get(name))) {
                        broker.commands().zaddExisting(due, 0, waiting);
                    }
                }
            }
            return null;
        });
    }
}
