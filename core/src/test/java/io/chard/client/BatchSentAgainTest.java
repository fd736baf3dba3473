package io.chard.client;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.EventBacklogFullException;
import io.chard.broker.EventStream;
import io.chard.broker.Partitions;
import io.chard.broker.RedisBroker;
import io.chard.config.ChardSettings;
import io.chard.task.TaskRegistry;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.chard.testing.PartitionedStreams.drain;
import static io.chard.testing.PartitionedStreams.fillStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A batch refused part-way (one partition's event stream full) can be sent again whole, unique items among it. */
class BatchSentAgainTest {
    static final Duration LEASE = Duration.ofSeconds(30);

    /**
     * A unique item without an idempotency key goes to its lock's partition, and was written last as a plain item
     * is: with the locks of two unique items in two partitions, the first partition (with the batch's plain item)
     * was stored, the second refused, and the resend the 503 asks for stored the plain item again.
     */
    @Test
    void aBatchRefusedPartWayWithUniqueItemsInTwoPartitionsStoresItsPlainItemOnceWhenSentAgainWhole() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.PARTITIONS, 2);
        properties.put(ChardSettings.EVENTS_MAX_LENGTH, 600);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            Partitions partitions = broker.partitions();
            UniqueLocks locks = new UniqueLocks(context.getBean(JsonMapper.class));
            TaskRegistry registry = context.getBean(TaskRegistry.class);
            long inFirst = uniqueArgumentIn(client, locks, registry, partitions, 0);
            long inSecond = uniqueArgumentIn(client, locks, registry, partitions, 1);
            fillStream(client, partitions, 1); // only the second partition's stream is full
            List<DispatchRequest> batch = List.of(
                    DispatchRequest.of("test.unique_running", client.toJson(List.of(inFirst))).withQueue("unique"),
                    DispatchRequest.of("test.add", client.toJson(List.of(2, 1))).withQueue("resent"),
                    DispatchRequest.of("test.unique_running", client.toJson(List.of(inSecond))).withQueue("unique"));
            assertThrows(EventBacklogFullException.class, () -> client.dispatchAll(batch));

            try (EventStream stream = broker.eventStream("test")) {
                drain(stream);
                stream.trim();
            }
            client.dispatchAll(batch);
            try (BrokerConsumer worker = broker.consumer("worker-a")) {
                assertEquals(1, worker.lease(List.of("resent"), 10, LEASE).deliveries().size(),
                        "the batch sent again whole after its 503 stores its plain item once");
                assertEquals(2, worker.lease(List.of("unique"), 10, LEASE).deliveries().size(),
                        "and each unique item once");
            }
        }
    }

    /** An argument of test.unique_running whose lock (in queue unique) the partitions put in {@code partition}. */
    private static long uniqueArgumentIn(TaskClient client, UniqueLocks locks, TaskRegistry registry,
                                         Partitions partitions, int partition) {
        for (long n = 0; ; n++) {
            DispatchRequest request = DispatchRequest.of("test.unique_running", client.toJson(List.of(n)))
                    .withQueue("unique");
            if (partitions.forKey(locks.of(registry.require("test.unique_running"), request).name()) == partition) {
                return n;
            }
        }
    }
}
