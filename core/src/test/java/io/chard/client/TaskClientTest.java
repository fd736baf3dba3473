package io.chard.client;

import io.chard.config.ChardSettings;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.RedisKeys;
import io.chard.config.ChardConfig;
import io.chard.task.ArgumentBindingException;
import io.chard.task.UnknownTaskException;
import io.chard.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dispatches that cannot run are refused in the caller, and nothing reaches Redis. */
class TaskClientTest {
    ApplicationContext context;
    TaskClient client;
    StatefulRedisConnection<String, String> redis;
    String prefix;

    @BeforeEach
    void start() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.MAX_PAYLOAD_BYTES, 2_000);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        redis = context.getBean(StatefulRedisConnection.class);
        prefix = RedisKeys.of(context.getBean(ChardConfig.class).namespace()).prefix();
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void anUnknownTaskIsRefusedAndNothingIsEnqueued() {
        assertThrows(UnknownTaskException.class, () -> client.dispatch("test.missing", 1));
        assertNothingEnqueued();
    }

    @Test
    void argumentsThatDoNotBindAreRefusedAndNothingIsEnqueued() {
        assertEquals("b", assertThrows(ArgumentBindingException.class,
                () -> client.dispatch("test.add", 1, "two")).parameter());
        assertNothingEnqueued();
    }

    @Test
    void oversizedArgumentsAreRefusedAndNothingIsEnqueued() {
        assertThrows(PayloadTooLargeException.class, () -> client.dispatch(DispatchRequest.of("test.collect",
                client.toJson(List.of(List.of("x".repeat(3_000)), Map.of())))));
        assertNothingEnqueued();
    }

    @Test
    void aPriorityOutsideZeroToNineIsRefused() {
        assertThrows(InvalidDispatchException.class, () -> client.dispatch(DispatchRequest.of("test.add",
                client.toJson(List.of(1, 2))).withPriority(10)));
        assertNothingEnqueued();
    }

    /**
     * UTF-8 has no lone surrogate: in Redis' key it became '?', so the keys "\ud800" and "?" were one key, and the
     * second was answered with the first's execution. (Arguments are JSON, which escapes it.) From a review.
     */
    @Test
    void aLoneSurrogateInAnIdempotencyKeyIsRefusedNamingTheField() {
        DispatchRequest add = DispatchRequest.of("test.add", client.toJson(List.of(1, 2)));
        assertEquals("idempotency_key", assertThrows(InvalidDispatchException.class,
                () -> client.dispatch(add.withIdempotencyKey("\uD800"))).field());
        assertNothingEnqueued();
        Dispatched emoji = client.dispatch(add.withIdempotencyKey("\uD83D\uDE00"));
        assertEquals(false, client.dispatch(add.withIdempotencyKey("?")).id().equals(emoji.id()),
                "a whole pair (an emoji) is well-formed, and its own key");
    }

    @Test
    void anIdempotencyKeyIsScopedByTaskName() {
        var add = DispatchRequest.of("test.add", client.toJson(List.of(1, 2))).withIdempotencyKey("order-7");
        var echo = DispatchRequest.of("test.echo", client.toJson(List.of("x"))).withIdempotencyKey("order-7");
        Dispatched first = client.dispatch(add);
        Dispatched other = client.dispatch(echo);
        assertTrue(!other.id().equals(first.id()), "another task's dispatch with the same key is its own execution");
        assertTrue(!other.duplicate());
        Dispatched again = client.dispatch(add);
        assertEquals(first.id(), again.id());
        assertTrue(again.duplicate());
        assertEquals("order-7", again.envelope().idempotencyKey(), "the key itself is stored as given");
    }

    @Test
    void aBatchIsValidatedWholeBeforeAnyOfItIsEnqueued() {
        var good = DispatchRequest.of("test.add", client.toJson(List.of(1, 2)));
        var bad = DispatchRequest.of("test.add", client.toJson(List.of(1)));
        assertThrows(ArgumentBindingException.class, () -> client.dispatchAll(List.of(good, bad)));
        assertNothingEnqueued();
        assertEquals(2, client.dispatchAll(List.of(good, good)).size());
        assertEquals(2L, redis.sync().zcard(prefix + "q:default:ready"));
    }

    @Test
    void aDispatchAsyncIsRefusedInTheCallerAndCompletesOnlyOnceItsExecutionIsStored() {
        assertThrows(UnknownTaskException.class, () -> client.dispatchAsync("test.missing", 1));
        assertNothingEnqueued();
        List<CompletableFuture<Dispatched>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            futures.add(client.dispatchAsync("test.add", i, 1));
        }
        for (CompletableFuture<Dispatched> future : futures) {
            assertEquals("pending", redis.sync().hget(prefix + "t:" + future.join().id(), "state"));
        }
        assertEquals(2_000L, redis.sync().zcard(prefix + "q:default:ready"));
    }

    @Test
    void concurrentDispatchersEachGetTheirOwnStoredExecution() throws Exception {
        try (var threads = Executors.newFixedThreadPool(8)) {
            List<Future<UUID>> ids = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                ids.add(threads.submit(() -> client.dispatch("test.add", n, 1).id()));
            }
            for (int i = 0; i < ids.size(); i++) {
                String env = redis.sync().hget(prefix + "t:" + ids.get(i).get(), "env");
                assertTrue(env.contains("\"args\":[" + i + ",1]"), env);
            }
        }
    }

    @Test
    void aDispatchAfterTheClientClosedIsRefusedAsTheBrokerBeingUnavailable() {
        client.close();
        assertThrows(BrokerUnavailableException.class, () -> client.dispatch("test.add", 1, 2));
        assertNothingEnqueued();
    }

    /** No key but the namespace's partition count, which the first connection records. */
    private void assertNothingEnqueued() {
        String layout = RedisKeys.of(context.getBean(ChardConfig.class).namespace()).layout();
        List<String> written = redis.sync().keys(prefix + "*").stream().filter(k -> !k.equals(layout)).toList();
        assertTrue(written.isEmpty(), "keys were written: " + written);
    }
}
