package io.chard.worker;

import io.chard.broker.BrokerEvent;
import io.chard.broker.EventStream;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.RedisBroker;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.testing.Await;
import io.chard.testing.TestRedisCluster;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker on a Redis Cluster of three masters, six partitions, while one master fails over to its replica
 * (CLUSTER FAILOVER) in the middle of the load: every dispatch runs, and runs once.
 */
class WorkerClusterFailoverTest {
    static final int TASKS = 3_000;
    ApplicationContext context;
    String failedOver;

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        if (failedOver != null) {
            // Gives the shard back to its first master, so later tests see the layout the cluster started with.
            TestRedisCluster.failover(failedOver);
        }
    }

    @Test
    void aMasterFailingOverDuringLoadLosesNothingAndRunsNothingTwice() throws Exception {
        Map<String, Object> properties = new HashMap<>(TestRedisCluster.properties(6));
        properties.put("chard.worker.enabled", true);
        properties.put("chard.worker.concurrency", 16);
        context = ApplicationContext.run(properties);
        TaskClient client = context.getBean(TaskClient.class);
        RedisBroker broker = context.getBean(RedisBroker.class);

        String master = TestRedisCluster.masters().getFirst();
        String replica = TestRedisCluster.replicaOf(master);
        List<UUID> ids = new ArrayList<>();
        CompletableFuture<Void> failover = null;
        for (int i = 0; i < TASKS; i++) {
            if (i == TASKS / 3) {
                failover = CompletableFuture.runAsync(() -> TestRedisCluster.failover(replica));
                failedOver = master;
            }
            ids.add(dispatchUntilAccepted(client, i));
        }
        failover.get();

        Set<UUID> unfinished = new HashSet<>(ids);
        Await.until("every execution succeeded", Duration.ofSeconds(60),
                () -> unfinished.removeIf(id -> status(broker, id) == ExecutionStatus.SUCCESS) && unfinished.isEmpty()
                        || unfinished.isEmpty());
        Map<UUID, Integer> started = new HashMap<>();
        Map<UUID, Integer> succeeded = new HashMap<>();
        try (EventStream events = broker.eventStream("failover-count")) {
            List<BrokerEvent> batch;
            while (!(batch = events.read(5_000, Duration.ofMillis(20))).isEmpty()) {
                for (BrokerEvent event : batch) {
                    if (event.type().equals("started")) {
                        started.merge(event.id(), 1, Integer::sum);
                    } else if (event.type().equals("succeeded")) {
                        succeeded.merge(event.id(), 1, Integer::sum);
                    }
                }
                events.acknowledge(batch);
            }
        }
        for (UUID id : ids) {
            assertEquals(1, succeeded.getOrDefault(id, 0), "successes of " + id);
            assertEquals(1, started.getOrDefault(id, 0), "starts of " + id);
            assertEquals(1, broker.snapshot(id).orElseThrow().deliveries(), "deliveries of " + id);
        }
        assertTrue(TestRedisCluster.masters().contains(replica), "the replica took over");
    }

    /** A dispatch refused during the failover is sent again under the same idempotency key: never twice. */
    private static UUID dispatchUntilAccepted(TaskClient client, int i) {
        JsonNode args = client.toJson(List.of(i, 1));
        DispatchRequest request = DispatchRequest.of("w.add", args).withIdempotencyKey("load-" + i);
        for (int attempt = 0; ; attempt++) {
            try {
                return client.dispatch(request).id();
            } catch (RuntimeException refused) {
                if (attempt == 100) {
                    throw refused;
                }
                sleep(50);
            }
        }
    }

    private static ExecutionStatus status(RedisBroker broker, UUID id) {
        return broker.snapshot(id).map(ExecutionSnapshot::status).orElse(null);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
