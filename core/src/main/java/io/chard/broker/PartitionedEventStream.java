package io.chard.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The P partitions' event streams read as one: each read looks at the partitions in turn without waiting and
 * waits (for a share of {@code block}) only on the partition whose turn it is when none has anything.
 * Acknowledgements go to the stream an event came from, which its execution id names.
 */
final class PartitionedEventStream implements EventStream {
    private final Partitions partitions;
    private final List<RedisEventStream> streams;
    private int turn;

    PartitionedEventStream(Partitions partitions, List<RedisEventStream> streams) {
        this.partitions = partitions;
        this.streams = streams;
    }

    @Override
    public List<BrokerEvent> read(int max, Duration block) {
        int count = streams.size();
        for (int i = 0; i < count; i++) {
            int partition = (turn + i) % count;
            List<BrokerEvent> events = streams.get(partition).read(max, Duration.ZERO);
            if (!events.isEmpty()) {
                turn = (partition + 1) % count;
                return events;
            }
        }
        Duration share = block.dividedBy(count);
        List<BrokerEvent> events = streams.get(turn).read(max, share.isZero() ? Duration.ofMillis(1) : share);
        turn = (turn + 1) % count;
        return events;
    }

    @Override
    public void acknowledge(List<BrokerEvent> events) {
        Map<Integer, List<BrokerEvent>> byPartition = new TreeMap<>();
        for (BrokerEvent event : events) {
            byPartition.computeIfAbsent(partitions.of(event.id()), p -> new ArrayList<>()).add(event);
        }
        byPartition.forEach((partition, some) -> streams.get(partition).acknowledge(some));
    }

    @Override
    public void rewind() {
        streams.forEach(RedisEventStream::rewind);
    }

    @Override
    public void trim() {
        streams.forEach(RedisEventStream::trim);
    }

    @Override
    public void close() {
        streams.forEach(RedisEventStream::close);
    }
}
