package io.chard.broker;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Read-only live state for dashboards: the worker registry (partition 0) and each queue's size over all partitions. */
@Singleton
public final class BrokerMonitor {
    private final RedisBroker broker;
    private final QueueControl control;

    public BrokerMonitor(RedisBroker broker, QueueControl control) {
        this.broker = broker;
        this.control = control;
    }

    /**
     * @param ready  waiting now; delayed: waiting for a due time; leased: running (in flight)
     * @param paused the queue leases nothing until it is resumed (see {@link QueueControl})
     */
    public record QueueDepth(String name, long ready, long delayed, long leased, boolean paused) {
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

    /**
     * Each queue's depth summed over the partitions (each partition registers the queues it has seen), and
     * whether it is paused; a queue paused before any dispatch reached it is listed too.
     */
    public List<QueueDepth> queues() {
        return RedisBroker.call(() -> {
            Partitions partitions = broker.partitions();
            Set<String> paused = control.paused();
            Map<String, long[]> sums = new TreeMap<>();
            paused.forEach(queue -> sums.put(queue, new long[3]));
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
            sums.forEach((queue, sum) -> depths.add(new QueueDepth(queue, sum[0], sum[1], sum[2],
                    paused.contains(queue))));
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
