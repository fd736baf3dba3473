package io.chard.worker;

import io.chard.broker.Broker;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.client.TaskClient;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Redis refusing writes for a while (no replicas, a full disk): outcomes wait and are settled, never dropped. */
class RefusedWritesTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Longer than the tasks run, shorter than their lease: outcomes arrive while every write is refused. */
    static final Duration REFUSAL = Duration.ofSeconds(2);
    RefusingRedis redis;
    ApplicationContext context;
    TaskClient client;
    Broker broker;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RefusingRedis.available(), "needs redis-server on PATH");
        redis = new RefusingRedis();
        Map<String, Object> properties = TestRedis.properties();
        properties.put("redis.uri", redis.uri());
        properties.put("chard.lease-duration", "8s");
        properties.put("chard.worker.enabled", true);
        properties.put("chard.worker.concurrency", 4);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        broker = context.getBean(Broker.class);
    }

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void outcomesReachedWhileRedisHasTooFewReplicasAreSettledOnceItAcceptsWritesAgain() throws Exception {
        List<UUID> ids = runningTasks();
        redis.refuseWithNoReplicas();
        Thread.sleep(REFUSAL.toMillis());
        redis.acceptWrites();
        assertEachSucceededOnce(ids);
    }

    @Test
    void outcomesReachedWhileRedisCannotPersistAreSettledOnceItAcceptsWritesAgain() throws Exception {
        List<UUID> ids = runningTasks();
        redis.refuseWithMisconf();
        Thread.sleep(REFUSAL.toMillis());
        redis.acceptWrites();
        assertEachSucceededOnce(ids);
    }

    private List<UUID> runningTasks() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(client.dispatch("w.sleep", 0.5).id());
        }
        Await.until("all four run", WAIT, () -> ids.stream().allMatch(id -> status(id) == ExecutionStatus.RUNNING));
        return ids;
    }

    private void assertEachSucceededOnce(List<UUID> ids) {
        for (UUID id : ids) {
            ExecutionSnapshot done = Await.value("execution " + id + " ends", WAIT, () -> broker.snapshot(id)
                    .filter(s -> s.status().ended()).orElse(null));
            assertEquals(ExecutionStatus.SUCCESS, done.status());
            assertEquals(1, done.deliveries(), "its outcome was dropped and it ran again");
        }
    }

    private ExecutionStatus status(UUID id) {
        return broker.snapshot(id).orElseThrow().status();
    }
}
