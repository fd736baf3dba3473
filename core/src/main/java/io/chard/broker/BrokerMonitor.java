package io.chard.broker;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Read-only live state for dashboards: the worker registry (partition 0), each queue's size over all partitions, and
 * the history recorder's lag.
 */
@Singleton
public final class BrokerMonitor {
    private final RedisBroker broker;
    private final QueueControl control;

    public BrokerMonitor(RedisBroker broker, QueueControl control) {
        this.broker = broker;
        this.control = control;
    }

    /**
     * @param ready       waiting now; delayed: waiting for a due time; leased: running (in flight); held: waiting
     *                    while a rate limit or concurrency cap of its task or queue has no room (limits.lua): not
     *                    ready, so not in {@code oldestReady} either
     * @param paused      the queue leases nothing until it is resumed (see {@link QueueControl})
     * @param oldestReady when the oldest of the executions next in line (the head of each partition's ready set:
     *                    highest priority, then first in) was dispatched; null when none is ready. The autoscaling
     *                    signal: it grows while workers fall behind, whatever the queue's length.
     */
    public record QueueDepth(String name, long ready, long delayed, long leased, long held, boolean paused,
                             Instant oldestReady) {
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
            // Per queue: ready, delayed, leased, the oldest head's dispatch time (ms; MAX_VALUE: none ready), held.
            Map<String, long[]> sums = new TreeMap<>();
            paused.forEach(queue -> sums.put(queue, newSum()));
            for (int p = 0; p < partitions.count(); p++) {
                RedisKeys keys = partitions.keys(p);
                for (String queue : broker.commands().smembers(keys.queues())) {
                    long[] sum = sums.computeIfAbsent(queue, q -> newSum());
                    sum[0] += broker.commands().zcard(keys.queue(queue, "ready"));
                    sum[1] += broker.commands().zcard(keys.queue(queue, "delayed"));
                    sum[2] += broker.commands().zcard(keys.queue(queue, "leased"));
                    sum[3] = Math.min(sum[3], headReadyAt(keys, queue));
                    sum[4] += broker.commands().zcard(keys.queue(queue, "held"));
                }
            }
            List<QueueDepth> depths = new ArrayList<>(sums.size());
            sums.forEach((queue, sum) -> depths.add(new QueueDepth(queue, sum[0], sum[1], sum[2], sum[4],
                    paused.contains(queue), sum[3] == Long.MAX_VALUE ? null : Instant.ofEpochMilli(sum[3]))));
            return depths;
        });
    }

    private static long[] newSum() {
        return new long[]{0, 0, 0, Long.MAX_VALUE, 0};
    }

    /**
     * When the execution next in line in this partition became ready (its due time, its retry's, its release from a
     * workflow or a limit), ms; MAX_VALUE when none is ready. Counted from its dispatch, a countdown's hour or a
     * backoff showed as lateness, and an autoscaler on the age scaled out at once for work that was on time.
     * Hashes written before the field was kept fall back to the dispatch time.
     */
    private long headReadyAt(RedisKeys keys, String queue) {
        List<String> head = broker.commands().zrange(keys.queue(queue, "ready"), 0, 0);
        if (head.isEmpty()) {
            return Long.MAX_VALUE;
        }
        List<KeyValue<String, String>> times = broker.commands().hmget(keys.task(head.getFirst()), "ready", "queued");
        String at = times.get(0).getValueOrElse(null);
        if (at == null || at.isEmpty()) {
            at = times.get(1).getValueOrElse(null);
        }
        return at == null || at.isEmpty() ? Long.MAX_VALUE : (long) Double.parseDouble(at);
    }

    /**
     * What the history recorder has still to write, over every partition's event stream.
     *
     * @param events events its consumer group has not acknowledged: handed to a recorder and pending, or not read yet
     *               (where Redis cannot count the unread ones, 6.2 for one, at most the entries not pending: exact
     *               when none are)
     * @param oldest when the oldest of them was appended (its stream id's time); null when there is none
     */
    public record RecorderLag(long events, Instant oldest) {
    }

    public RecorderLag recorderLag() {
        return RedisBroker.call(() -> {
            long events = 0;
            long oldest = Long.MAX_VALUE;
            Partitions partitions = broker.partitions();
            for (int p = 0; p < partitions.count(); p++) {
                String stream = partitions.keys(p).events();
                long length = broker.commands().xlen(stream);
                if (length == 0) {
                    continue; // no stream yet (XINFO refuses a missing key), or everything trimmed
                }
                Map<String, Object> group = RedisEventStream.group(broker.commands(), stream);
                long pending = group == null ? 0 : ((Number) group.get("pending")).longValue();
                String firstUnread = null;
                long unread;
                if (group != null && group.get("lag") instanceof Number lag) {
                    unread = lag.longValue();
                } else {
                    // Redis 6.2 (the local mode's embedded one) answers no lag, and 7 none once an entry after the
                    // group's position was deleted. Counted as the whole stream less the pending entries, the lag
                    // stayed at the stream's length after everything was acknowledged, until the next trim (up to
                    // 10 s; the benchmark waited it out). Whether anything is unread is one look past the last
                    // delivered entry; how much is then at most what is not pending.
                    firstUnread = firstUnread(stream, group);
                    unread = firstUnread == null ? 0 : Math.max(1, length - pending);
                }
                events += pending + unread;
                String first = null;
                if (pending > 0) {
                    first = broker.commands().xpending(stream, RedisEventStream.GROUP).getMessageIds().getLower()
                            .getValue();
                } else if (unread > 0) {
                    first = firstUnread != null ? firstUnread : firstUnread(stream, group);
                }
                if (first != null) {
                    oldest = Math.min(oldest, RedisEventStream.position(first)[0]);
                }
            }
            return new RecorderLag(events, oldest == Long.MAX_VALUE ? null : Instant.ofEpochMilli(oldest));
        });
    }

    /** The id of the first entry the recorders' group has not been handed (every entry before it exists); null if none. */
    private String firstUnread(String stream, Map<String, Object> group) {
        Range.Boundary<String> from = group == null ? Range.Boundary.unbounded()
                : Range.Boundary.excluding(String.valueOf(group.get("last-delivered-id")));
        return broker.commands().xrange(stream, Range.from(from, Range.Boundary.unbounded()), Limit.from(1)).stream()
                .findFirst().map(StreamMessage::getId).orElse(null);
    }
}
