package io.chard.broker;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Read-only live state for dashboards: the worker registry (partition 0) and each queue's size over all partitions. */
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

    /** Each queue's depth summed over the partitions (each partition registers the queues it has seen). */
    public List<QueueDepth> queues() {
        return RedisBroker.call(() -> {
            Partitions partitions = broker.partitions();
            Map<String, long[]> sums = new TreeMap<>();
            for (int p = 0; p < partitions.count(); p++) {
                RedisKeys keys = partitions.keys(p);
                for (String queue : broker.commands().smembers(keys.queues())) {
                    long[] sum = sums.computeIfAbsent(queue, q -> new long[3]);
                    sum[0] += broker.commands().zcard(keys.queue(queue, "ready"));
                    sum[1] += broker.commands().zcard(keys.queue(queue, "delayed"));
                    sum[2] += broker.commands().zcard(keys.queue(queue, "leased"));
                }
            }
            List<QueueDepth> depths = new ArrayList<>(sums.size());
            sums.forEach((queue, sum) -> depths.add(new QueueDepth(queue, sum[0], sum[1], sum[2])));
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
