package io.chard.worker;

import io.chard.broker.ExecutionSnapshot;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rate limit bounds when a task runs, not only when it is leased: limits.lua logs a start when the lease script
 * admits an execution, but a worker with the default prefetch leases ahead of its run slots, and an execution leased
 * ahead runs only when a slot frees, possibly a whole window later, right before the next window's admitted one.
 */
class RateLimitedRunsTest {
    ApplicationContext worker;
    TaskClient client;

    @BeforeEach
    void startOneWorker() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_CONCURRENCY, 1); // the default prefetch: one leased ahead
        worker = ApplicationContext.run(properties);
        client = worker.getBean(TaskClient.class);
        WorkerTestTasks.ratedOnceRuns.clear();
    }

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void aTaskLimitedToOneASecondNeverRunsTwiceWithinASecondBehindALongTask() {
        client.dispatch("w.sleep", 1.5); // holds the one run slot while the lease round takes one more ahead
        List<UUID> rated = IntStream.range(0, 3).mapToObj(i -> client.dispatch("w.rated_once").id()).toList();
        rated.forEach(id -> Await.until("execution " + id + " ends", Duration.ofSeconds(30),
                () -> client.snapshot(id).map(ExecutionSnapshot::status).filter(s -> s.ended()).isPresent()));
        List<Long> runs = WorkerTestTasks.ratedOnceRuns.stream().sorted().toList();
        List<Long> leased = rated.stream().map(id -> client.snapshot(id).orElseThrow().startedAt().toEpochMilli())
                .sorted().toList();
        for (int i = 0; i + 1 < runs.size(); i++) {
            assertTrue(runs.get(i + 1) - runs.get(i) >= 900, "limited to 1/s, yet run " + (runs.get(i + 1)
                    - runs.get(i)) + " ms apart; runs " + runs + ", starts counted by the limit (lease times) " + leased);
        }
    }
}
