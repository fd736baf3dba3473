package io.chard.broker;

import io.chard.client.DispatchRequest;
import io.chard.testing.TestRedisCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every test of {@link UnusedQueuesTest} on a Redis Cluster of three masters, three partitions; plus per partition. */
class UnusedQueuesClusterTest extends UnusedQueuesTest {

    @Override
    Map<String, Object> properties() {
        return TestRedisCluster.properties(3);
    }

    @Test
    void eachPartitionForgetsTheQueueOnlyWhereItHoldsNothing() {
        Partitions partitions = broker.partitions();
        // One idempotency key per partition puts an execution in each; the one of partition 0 waits an hour.
        for (int p = 0; p < partitions.count(); p++) {
            int partition = p;
            String key = IntStream.iterate(0, i -> i + 1).mapToObj(i -> "spread-" + i)
                    .filter(k -> partitions.forKey(k) == partition).findFirst().orElseThrow();
            client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(1, 2))).withQueue("spread")
                    .withIdempotencyKey(key).withCountdown(partition == 0 ? Duration.ofHours(1) : Duration.ZERO));
        }
        try (BrokerConsumer worker = broker.consumer("worker-a")) {
            List<Delivery> ready = worker.lease(List.of("spread"), 10, LEASE).deliveries();
            assertEquals(partitions.count() - 1, ready.size());
            worker.settle(ready.stream().map(d -> new Settlement(d.lease(), new Outcome.Success("3"))).toList());
        }
        for (int p = 0; p < partitions.count(); p++) {
            broker.sync().zadd(partitions.keys(p).queuesUsed(),
                    System.currentTimeMillis() - RETENTION.multipliedBy(2).toMillis(), "spread");
        }

        assertEquals(List.of("spread", "spread"), queues.forget(RETENTION), "forgotten in partitions 1 and 2");
        assertTrue(broker.sync().sismember(partitions.keys(0).queues(), "spread"), "partition 0 holds its work");
        assertFalse(broker.sync().sismember(partitions.keys(1).queues(), "spread"));
        assertFalse(broker.sync().sismember(partitions.keys(2).queues(), "spread"));
    }
}
