package io.chard.worker.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.broker.Broker;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.RedisKeys;
import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.chard.testing.Await;
import io.chard.testing.TcpProxy;
import io.chard.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import org.crac.Context;
import org.crac.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint/restore hooks (SnapStart, CRaC) called in-process through the org.crac API against a real Redis,
 * reached through a proxy that counts the function's open connections. A JDK without CRaC never calls them, so
 * the test plays the JDK's part with an ordered context.
 */
class SnapshotHooksTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    TcpProxy proxy;
    ApplicationContext context;
    TimerDrainHandler handler;
    TaskClient client;
    final CheckpointContext jdk = new CheckpointContext();

    /** What a CRaC JDK's global context does: checkpoint hooks in reverse order of registration, restore in order. */
    static final class CheckpointContext extends Context<Resource> {
        private final List<Resource> resources = new ArrayList<>();

        @Override
        public void register(Resource resource) {
            resources.add(resource);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            try {
                for (Resource resource : resources.reversed()) {
                    resource.beforeCheckpoint(this);
                }
            } catch (Exception e) {
                throw new AssertionError("a checkpoint hook failed", e);
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            try {
                for (Resource resource : resources) {
                    resource.afterRestore(this);
                }
            } catch (Exception e) {
                throw new AssertionError("a restore hook failed", e);
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        URI redis = URI.create(TestRedis.uri());
        proxy = new TcpProxy(redis.getHost(), redis.getPort());
        Map<String, Object> properties = FunctionHandler.workerProperties(Map.of());
        properties.putAll(TestRedis.properties());
        properties.put("redis.uri", "redis://127.0.0.1:" + proxy.port());
        context = ApplicationContext.builder().properties(properties).deduceEnvironment(false).start();
        handler = new TimerDrainHandler(context);
        jdk.register(handler);
        client = context.getBean(TaskClient.class);
    }

    @AfterEach
    void stop() {
        handler.close();
        proxy.close();
    }

    @Test
    void beforeTheCheckpointTheFunctionHoldsNoRedisConnectionAndItsWorkerLeftTheRegistry() {
        String snapshotted = handler.worker().id();
        Await.until("the worker registered by its first heartbeat", WAIT, () -> registered(snapshotted));
        assertTrue(proxy.openConnections() > 0);

        jdk.beforeCheckpoint(null);

        Await.until("every Redis connection closed", WAIT, () -> proxy.openConnections() == 0);
        assertTrue(!registered(snapshotted), "the snapshot's worker id is not left in the registry");
    }

    @Test
    void afterTheRestoreTheFunctionReconnectsAndHandlesAnEventAsANewWorker() {
        String snapshotted = handler.worker().id();
        jdk.beforeCheckpoint(null);
        UUID noop = client.dispatch("examples.noop").id();

        jdk.afterRestore(null);

        String restored = handler.worker().id();
        assertNotEquals(snapshotted, restored);
        assertTrue(proxy.openConnections() > 0, "reconnected at the restore, before any event");
        String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(20)));
        assertTrue(line.contains("ran 1 (1 succeeded"), line);
        var done = context.getBean(Broker.class).snapshot(noop).orElseThrow();
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals(restored, done.worker(), "run by the restored copy's worker");
        Await.until("the new worker registered", WAIT, () -> registered(restored));
    }

    @Test
    void everyRestoredCopyIsAWorkerOfItsOwn() {
        Set<String> workers = new HashSet<>(List.of(handler.worker().id()));
        for (int copy = 0; copy < 3; copy++) {
            jdk.beforeCheckpoint(null);
            jdk.afterRestore(null);
            assertTrue(workers.add(handler.worker().id()), "copy " + copy + " has a worker id of its own");
        }
    }

    private boolean registered(String worker) {
        RedisKeys keys = RedisKeys.of(context.getBean(ChardConfig.class).namespace());
        RedisClient redis = RedisClient.create(TestRedis.uri());
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            return connection.sync().zscore(keys.workers(), worker) != null;
        } finally {
            redis.shutdown();
        }
    }
}
