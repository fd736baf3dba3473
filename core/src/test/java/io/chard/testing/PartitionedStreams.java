package io.chard.testing;

import io.chard.broker.BrokerEvent;
import io.chard.broker.EventBacklogFullException;
import io.chard.broker.EventStream;
import io.chard.broker.Partitions;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the tests of a full partition's event stream need: keys that land in a partition, and a drained stream. */
public final class PartitionedStreams {
    private PartitionedStreams() {
    }

    /** A key starting with {@code prefix} that the namespace's partitions put in {@code partition}. */
    public static String keyIn(Partitions partitions, int partition, String prefix) {
        for (int i = 0; ; i++) {
            if (partitions.forKey(prefix + "-" + i) == partition) {
                return prefix + "-" + i;
            }
        }
    }

    /**
     * Dispatches keyed into {@code partition} until its event stream refuses (a namespace with a small
     * {@code chard.events.max-length} and no recorder): only that partition's stream is then full.
     */
    public static void fillStream(TaskClient client, Partitions partitions, int partition) {
        assertThrows(EventBacklogFullException.class, () -> {
            for (int i = 0; i < 1_000; i++) {
                client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(i, 1)))
                        .withIdempotencyKey(keyIn(partitions, partition, "fill-" + i)));
            }
        });
    }

    /** Reads and acknowledges everything the stream holds; answers it. */
    public static List<BrokerEvent> drain(EventStream stream) {
        List<BrokerEvent> all = new ArrayList<>();
        List<BrokerEvent> batch;
        while (!(batch = stream.read(1000, Duration.ofMillis(10))).isEmpty()) {
            all.addAll(batch);
            stream.acknowledge(batch);
        }
        return all;
    }
}
