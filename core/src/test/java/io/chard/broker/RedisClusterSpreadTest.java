package io.chard.broker;

import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.testing.TestRedisCluster;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.KeyScanCursor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One namespace on a Redis Cluster of three masters, six partitions: the load spreads over every master. */
class RedisClusterSpreadTest {
    static final int DISPATCHES = 10_000;
    static final List<String> QUEUES = List.of("q0", "q1", "q2", "q3", "q4", "q5");

    ApplicationContext context;
    RedisBroker broker;
    TaskClient client;
    String namespace;

    @BeforeEach
    void start() {
        Map<String, Object> properties = TestRedisCluster.properties(6);
        namespace = (String) properties.get("chard.namespace");
        context = ApplicationContext.run(properties);
        broker = context.getBean(RedisBroker.class);
        client = context.getBean(TaskClient.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void tenThousandDispatchesOverSixQueuesAllSucceedAndEachMasterHoldsAFairShareOfTheirKeys() throws Exception {
        JsonNode args = client.toJson(List.of(1, 2));
        Set<java.util.UUID> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (ExecutorService dispatchers = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(dispatchers.submit(() -> IntStream.range(0, DISPATCHES).filter(i -> i % 8 == thread)
                        .forEach(i -> {
                            Dispatched dispatched = client.dispatch(DispatchRequest.of("test.add", args)
                                    .withQueue(QUEUES.get(i % QUEUES.size())));
                            assertTrue(!dispatched.duplicate());
                            ids.add(dispatched.id());
                        })));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        assertEquals(DISPATCHES, ids.size());

        Map<String, Long> keysPerMaster = keysPerMaster();
        assertEquals(3, keysPerMaster.size(), "keys per master: " + keysPerMaster);
        long total = keysPerMaster.values().stream().mapToLong(Long::longValue).sum();
        keysPerMaster.forEach((master, keys) -> assertTrue(keys > total * 0.20 && keys < total * 0.45,
                master + " holds " + keys + " of " + total + " keys: " + keysPerMaster));
        System.out.printf("keys per master (%d in all): %s%n", total, keysPerMaster);

        Set<java.util.UUID> settled = new HashSet<>();
        try (BrokerConsumer worker = broker.consumer("spread-worker")) {
            while (settled.size() < DISPATCHES) {
                List<Delivery> leased = worker.lease(QUEUES, 500, Duration.ofSeconds(30)).deliveries();
                assertTrue(!leased.isEmpty(), "leased only " + settled.size());
                List<Boolean> accepted = worker.settle(leased.stream()
                        .map(d -> new Settlement(d.lease(), new Outcome.Success("3"))).toList());
                assertTrue(accepted.stream().allMatch(Boolean::booleanValue));
                leased.forEach(d -> assertTrue(settled.add(d.id()), "leased twice: " + d.id()));
            }
        }
        assertEquals(ids, settled);
        for (java.util.UUID id : List.copyOf(ids).subList(0, 100)) {
            assertEquals(ExecutionStatus.SUCCESS, broker.snapshot(id).orElseThrow().status());
        }
    }

    /** The namespace's keys on each master, counted by SCAN there ("{ns}:..." and "{ns:p}:..."). */
    private Map<String, Long> keysPerMaster() {
        Map<String, Long> counts = new TreeMap<>();
        for (String master : TestRedisCluster.masters()) {
            long keys = TestRedisCluster.withNode(master, redis -> {
                long n = 0;
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches("{" + namespace + "*")
                            .limit(1000));
                    n += page.getKeys().size();
                    cursor = page;
                } while (!cursor.isFinished());
                return n;
            });
            counts.put(master, keys);
        }
        return counts;
    }
}
