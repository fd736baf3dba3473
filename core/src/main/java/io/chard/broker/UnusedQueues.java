package io.chard.broker;

import io.chard.broker.LuaScripts.Script;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Forgets the queues that no work entered for {@code chard.queue-retention} and that hold nothing, partition by
 * partition (forget_queues.lua re-checks both atomically, so a concurrent dispatch is never lost): the queues set,
 * the last-use zset and the queue's keys would otherwise keep every queue name ever used. Run by the maintenance.
 */
@Singleton
public final class UnusedQueues {
    private final RedisBroker broker;

    public UnusedQueues(RedisBroker broker) {
        this.broker = broker;
    }

    /** Forgets what went unused for the configured retention; answers each queue forgotten, once per partition. */
    public List<String> forget() {
        return forget(broker.config().queueRetention());
    }

    /** Forgets the queues unused for {@code retention}; answers each queue forgotten, once per partition. */
    public List<String> forget(Duration retention) {
        Partitions partitions = broker.partitions();
        List<String> forgotten = new ArrayList<>();
        for (int p = 0; p < partitions.count(); p++) {
            RedisKeys keys = partitions.keys(p);
            List<Object> names = broker.run(Script.FORGET_QUEUES, keys.scriptKeys(),
                    List.of(keys.prefix(), Long.toString(retention.toMillis())));
            names.forEach(name -> forgotten.add((String) name));
        }
        return forgotten;
    }
}
