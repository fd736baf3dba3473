package io.chard.client;

import io.chard.broker.Broker;
import io.chard.broker.RedisKeys;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.task.TaskOptions;
import io.chard.task.TaskRegistry;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue and retries of a task that declares none: the stored settings' copy in Redis (written by admin-api) wins
 * over this process's configuration, which serves while there is no copy; a task's declaration and a dispatch's
 * queue win over both.
 */
class TaskDefaultsTest {
    ApplicationContext context;
    TaskDefaults defaults;
    TaskClient client;
    StatefulRedisConnection<String, String> redis;
    String settingsKey;

    @BeforeEach
    void start() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.DEFAULT_QUEUE, "configured");
        properties.put(ChardSettings.MAX_RETRIES, 5);
        context = ApplicationContext.run(properties);
        defaults = context.getBean(TaskDefaults.class);
        client = context.getBean(TaskClient.class);
        redis = context.getBean(StatefulRedisConnection.class);
        settingsKey = RedisKeys.of(context.getBean(ChardConfig.class).namespace()).settings();
    }

    @AfterEach
    void stop() {
        redis.sync().del(settingsKey);
        context.close();
    }

    @Test
    void withoutAStoredCopyTheProcessConfigurationServes() {
        assertEquals("configured", defaults.queue(options("test.add")));
        assertEquals(5, defaults.maxRetries(options("test.add")));
        assertEquals("configured", client.dispatch("test.add", 1, 2).envelope().queue());
    }

    @Test
    void theStoredCopyWinsOverTheConfigurationAndTheDeclarationOrTheDispatchOverBoth() {
        redis.sync().hset(settingsKey, Map.of(TaskDefaults.DEFAULT_QUEUE, "stored", TaskDefaults.MAX_RETRIES, "0"));
        assertEquals("stored", client.dispatch("test.add", 1, 2).envelope().queue());
        assertEquals(0, defaults.maxRetries(options("test.add")));
        assertEquals("mail", client.dispatch("test.greet", "ada").envelope().queue());
        assertEquals(1, defaults.maxRetries(options("test.retried_once")));
        assertEquals("chosen", client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(1, 2)))
                .withQueue("chosen")).envelope().queue());
    }

    @Test
    void aStoredValueAProcessCannotUseLeavesItsConfigurationInPlace() {
        redis.sync().hset(settingsKey, Map.of(TaskDefaults.DEFAULT_QUEUE, "no spaces allowed",
                TaskDefaults.MAX_RETRIES, "many"));
        assertEquals("configured", defaults.queue(options("test.add")));
        assertEquals(5, defaults.maxRetries(options("test.add")));
    }

    @Test
    void aChangedCopyReachesAProcessThatAlreadyReadTheOldOne() {
        redis.sync().hset(settingsKey, Map.of(TaskDefaults.DEFAULT_QUEUE, "before"));
        assertEquals("before", defaults.queue(options("test.add")));
        redis.sync().hset(settingsKey, Map.of(TaskDefaults.DEFAULT_QUEUE, "after"));
        Await.until("the aged copy is read again", Duration.ofSeconds(15),
                () -> "after".equals(client.dispatch("test.add", 1, 2).envelope().queue()));
    }

    /**
     * Only the first caller waited for the first read: the others, during a read that may take Redis' 10 s, went to
     * this process's configured queue, perhaps one no worker serves. A stand-in broker holds the read (what is
     * tested is who waits for it). From a review.
     */
    @Test
    void aDispatchMadeWhileTheFirstReadIsInFlightUsesTheStoredCopyToo() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Broker slowRedis = (Broker) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Broker.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("storedSettings")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    reading.countDown();
                    answer.await();
                    return Map.of(TaskDefaults.DEFAULT_QUEUE, "stored");
                });
        TaskDefaults starting = new TaskDefaults(slowRedis, context.getBean(ChardConfig.class));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> starting.queue(options("test.add")),
                Thread::startVirtualThread);
        assertTrue(reading.await(10, TimeUnit.SECONDS));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> starting.queue(options("test.add")),
                Thread::startVirtualThread);
        Thread.sleep(200);
        answer.countDown();
        assertEquals("stored", first.get(10, TimeUnit.SECONDS));
        assertEquals("stored", second.get(10, TimeUnit.SECONDS), "the second dispatch goes where the first went");
    }

    private TaskOptions options(String task) {
        return context.getBean(TaskRegistry.class).require(task).options();
    }
}
