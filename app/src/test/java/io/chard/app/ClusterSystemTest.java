package io.chard.app;

import io.chard.admin.testing.ApiClient;
import io.chard.app.bench.ClusterBench;
import io.chard.config.ChardSettings;
import io.chard.database.Jdbc;
import io.chard.testing.Await;
import io.chard.testing.TestRedisCluster;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system scenarios on a Redis Cluster of three masters (a replica each) with six partitions, and the load the
 * cluster is for: ten thousand dispatches over HTTP into six queues while one master fails over to its replica.
 */
class ClusterSystemTest extends SystemScenarios {
    static final int PARTITIONS = 6;
    static final int LOAD = 10_000;
    static final List<String> LOAD_QUEUES = List.of("load-1", "load-2", "load-3", "load-4", "load-5", "load-6");
    /** Dispatches run by this many HTTP clients at once, as several services would send them. */
    static final int SENDERS = 8;
    String failedOver;

    @Override
    Map<String, Object> redis() {
        return TestRedisCluster.properties(PARTITIONS);
    }

    @AfterAll
    void giveTheShardBack() {
        if (failedOver != null) {
            // The shard's first master takes over again, so later tests see the layout the cluster started with.
            TestRedisCluster.failover(failedOver);
        }
    }

    @Test
    void tenThousandHttpDispatchesOverSixQueuesSpreadOverTheMastersAndEachRunsOnceThroughAFailover() throws Exception {
        Map<String, Object> properties = new HashMap<>(redisProperties);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_QUEUES, String.join(",", LOAD_QUEUES));
        properties.put(ChardSettings.WORKER_CONCURRENCY, 64);
        try (ApplicationContext worker = ApplicationContext.run(properties)) {
            List<UUID> ids = dispatchWhileAMasterFailsOver();
            Map<String, Integer> keys = keysPerMaster();
            int total = keys.values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(3, keys.size(), "masters " + keys);
            keys.forEach((master, count) -> assertTrue(count > total / 5 && count < total * 45 / 100,
                    master + " holds " + count + " of " + total + " keys: " + keys));
            assertEachRanOnceAndSucceeded(ids);
        }
    }

    /** Sends the load from {@link #SENDERS} threads and fails a master over once a third of it was accepted. */
    private List<UUID> dispatchWhileAMasterFailsOver() throws Exception {
        ApiClient api = new ApiClient(base).as("admin", "system-test-password");
        String master = TestRedisCluster.masters().getFirst();
        String replica = TestRedisCluster.replicaOf(master);
        AtomicInteger accepted = new AtomicInteger();
        List<Future<UUID>> dispatches;
        try (ExecutorService senders = Executors.newFixedThreadPool(SENDERS)) {
            dispatches = IntStream.range(0, LOAD)
                    .mapToObj(i -> senders.submit(() -> {
                        UUID id = dispatchUntilAccepted(api, i);
                        accepted.incrementAndGet();
                        return id;
                    }))
                    .toList();
            Await.until("a third of the load is accepted", WAIT, () -> accepted.get() >= LOAD / 3);
            failedOver = master;
            TestRedisCluster.failover(replica);
            assertTrue(accepted.get() < LOAD, "the failover happened during the load");
        }
        List<UUID> ids = new ArrayList<>(LOAD);
        for (Future<UUID> dispatch : dispatches) {
            ids.add(dispatch.get());
        }
        return ids;
    }

    /**
     * A dispatch refused while the shard changes hands (503: Redis unavailable) is sent again under the same
     * idempotency key, so it is never enqueued twice; any other refusal fails the test.
     */
    private static UUID dispatchUntilAccepted(ApiClient api, int i) throws InterruptedException {
        String body = "{\"task\":\"examples.noop\",\"queue\":\"" + LOAD_QUEUES.get(i % LOAD_QUEUES.size())
                + "\",\"idempotency_key\":\"load-" + i + "\"}";
        for (int attempt = 0; ; attempt++) {
            ApiClient.Answer answer = api.post("/api/background_tasks/tasks", body);
            if (answer.status() == 202) {
                return UUID.fromString(answer.text("id"));
            }
            if (answer.status() != 503 || attempt == 200) {
                throw new AssertionError("dispatch " + i + " refused: " + answer);
            }
            Thread.sleep(50);
        }
    }

    private Map<String, Integer> keysPerMaster() {
        String namespace = (String) redisProperties.get(ChardSettings.NAMESPACE);
        return TestRedisCluster.masters().stream().collect(Collectors.toMap(master -> master,
                master -> TestRedisCluster.withNode(master, node -> ClusterBench.keys(node, namespace).size())));
    }

    /** The history holds each execution once, succeeded, started once (deliveries and the timeline agree). */
    private void assertEachRanOnceAndSucceeded(List<UUID> ids) {
        Jdbc jdbc = context.getBean(Jdbc.class);
        String loadRows = "FROM background_tasks_task_execution WHERE queue LIKE 'load-%'";
        Await.until("every execution of the load is recorded as succeeded", Duration.ofSeconds(120),
                () -> jdbc.count("SELECT count(*) " + loadRows + " AND status = 'success'") >= LOAD);
        record Row(String status, int deliveries, long starts, long successes) {
        }
        Map<UUID, Row> rows = new HashMap<>();
        jdbc.list("SELECT id, status, deliveries,"
                + " (SELECT count(*) FROM jsonb_array_elements(timeline) e WHERE e->>'event' = 'started'),"
                + " (SELECT count(*) FROM jsonb_array_elements(timeline) e WHERE e->>'event' = 'succeeded') "
                + loadRows, row -> rows.put(row.getObject(1, UUID.class),
                        new Row(row.getString(2), row.getInt(3), row.getLong(4), row.getLong(5))));
        assertEquals(LOAD, new HashSet<>(ids).size(), "distinct ids answered");
        assertEquals(LOAD, rows.size(), "history rows of the load");
        for (UUID id : ids) {
            assertEquals(new Row("success", 1, 1, 1), rows.get(id), "execution " + id);
        }
    }
}
