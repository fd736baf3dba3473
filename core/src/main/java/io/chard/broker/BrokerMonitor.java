package io.chard.broker;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Read-only live state for dashboards: the worker registry and the size of each queue. */
@Singleton
public final class BrokerMonitor {
    private final RedisBroker broker;

    public BrokerMonitor(RedisBroker broker) {
        this.broker = broker;
    }

    /** @param ready waiting now; delayed: waiting for a due time; leased: running (in flight) */
    public record QueueDepth(String name, long ready, long delayed, long leased) {
    }

    /** The registry entries (JSON, as each worker wrote them) of the workers that beat recently. */
    public List<String> workers() {
        return RedisBroker.call(() -> {
            RedisKeys keys = broker.keys();
            List<String> ids = broker.commands().zrange(keys.workers(), 0, -1);
            List<String> entries = new ArrayList<>(ids.size());
            List<String> gone = new ArrayList<>();
            for (String id : ids) {
                String entry = broker.commands().get(keys.worker(id));
                if (entry == null) {
                    gone.add(id);
                } else {
                    entries.add(entry);
                }
            }
            if (!gone.isEmpty()) {
                broker.commands().zrem(keys.workers(), gone.toArray(String[]::new));
            }
            return entries;
        });
    }

    public List<QueueDepth> queues() {
        return RedisBroker.call(() -> {
            RedisKeys keys = broker.keys();
            List<QueueDepth> depths = new ArrayList<>();
            for (String queue : new TreeSet<>(broker.commands().smembers(keys.queues()))) {
                depths.add(new QueueDepth(queue, broker.commands().zcard(keys.queue(queue, "ready")),
                        broker.commands().zcard(keys.queue(queue, "delayed")),
                        broker.commands().zcard(keys.queue(queue, "leased"))));
            }
            return depths;
        });
    }

    /** Answers nothing when Redis answers; the reason otherwise. */
    public String unreachableReason() {
        try {
            broker.ping();
            return null;
        } catch (BrokerUnavailableException e) {
            return e.getMessage();
        }
    }
}
