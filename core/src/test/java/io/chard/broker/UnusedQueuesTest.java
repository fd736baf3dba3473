package io.chard.broker;

import io.chard.client.DispatchRequest;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 item 2: queues no work entered for the retention, and that hold nothing, leave the registry with their
 * keys in every partition; a queue with work, or used lately, stays; a dispatch racing the sweep is never lost.
 */
class UnusedQueuesTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration RETENTION = Duration.ofDays(7);

    ApplicationContext context;
    RedisBroker broker;
    TaskClient client;
    UnusedQueues queues;

    @BeforeEach
    void start() {
        context = ApplicationContext.run(properties());
        broker = context.getBean(RedisBroker.class);
        client = context.getBean(TaskClient.class);
        queues = context.getBean(UnusedQueues.class);
    }

    /** One Redis here; a Redis Cluster with three partitions in {@link UnusedQueuesClusterTest}. */
    Map<String, Object> properties() {
        return TestRedis.properties();
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void aQueueNoWorkEnteredForTheRetentionAndThatHoldsNothingIsForgottenWithItsKeys() {
        runOne("idle");
        runOne("recent");
        lastUsed("idle", RETENTION.plusHours(1));

        assertEquals(Set.of("idle"), Set.copyOf(queues.forget(RETENTION)));
        assertFalse(registered("idle"));
        assertTrue(registered("recent"));
        for (int p = 0; p < broker.partitions().count(); p++) {
            RedisKeys keys = broker.partitions().keys(p);
            assertEquals(0L, broker.sync().exists(keys.queueKeys("idle").toArray(String[]::new)));
            assertEquals(null, broker.sync().zscore(keys.queuesUsed(), "idle"));
        }
    }

    @Test
    void aQueueHoldingWaitingScheduledOrRunningWorkIsKeptHoweverLongAgoWorkEnteredIt() {
        dispatch("waiting", Duration.ZERO);
        dispatch("scheduled", Duration.ofHours(1));
        dispatch("running", Duration.ZERO);
        try (BrokerConsumer worker = broker.consumer("worker-a")) {
            assertEquals(1, worker.lease(List.of("running"), 1, LEASE).deliveries().size());
        }
        for (String queue : List.of("waiting", "scheduled", "running")) {
            lastUsed(queue, RETENTION.multipliedBy(2));
        }

        assertEquals(List.of(), queues.forget(RETENTION));
        assertTrue(registered("waiting") && registered("scheduled") && registered("running"));
    }

    @Test
    void aQueueRegisteredBeforeItsUseWasTrackedStartsItsClockAtTheFirstSweep() {
        RedisKeys keys = broker.partitions().keys(0);
        broker.sync().sadd(keys.queues(), "legacy");

        assertEquals(List.of(), queues.forget(RETENTION));
        assertNotNull(broker.sync().zscore(keys.queuesUsed(), "legacy"), "the sweep started its clock");
        lastUsed("legacy", RETENTION.plusHours(1));
        assertEquals(List.of("legacy"), queues.forget(RETENTION));
    }

    @Test
    void dispatchesRacingASweepThatForgetsEveryEmptyQueueAreAllRunAndTheQueueIsRegisteredAgain() throws Exception {
        AtomicBoolean dispatching = new AtomicBoolean(true);
        List<UUID> dispatched = new ArrayList<>();
        // Paced by a millisecond, so the worker below keeps emptying the queue between dispatches.
        Thread dispatcher = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 300; i++) {
                dispatched.add(dispatch("raced", Duration.ZERO));
                pause();
            }
            dispatching.set(false);
        });
        List<UUID> ran = new ArrayList<>();
        int forgotten = 0;
        try (BrokerConsumer worker = broker.consumer("worker-a")) {
            while (dispatching.get()) {
                forgotten += queues.forget(Duration.ZERO).size();
                runLeased(worker, 7, ran);
            }
            dispatcher.join();
            Await.until("every dispatch ran", Duration.ofSeconds(20), () -> {
                runLeased(worker, 100, ran);
                return ran.size() >= dispatched.size();
            });
        }
        assertTrue(forgotten > 0, "the sweep found the queue empty and forgot it while dispatches went on");
        assertEquals(Set.copyOf(dispatched), Set.copyOf(ran));
        assertEquals(dispatched.size(), ran.size(), "each ran once");
        dispatch("raced", Duration.ZERO);
        assertTrue(registered("raced"), "the next dispatch registers the queue again");
    }

    /** Leases up to {@code max} from the raced queue and settles them at once, so the queue empties often. */
    private static void runLeased(BrokerConsumer worker, int max, List<UUID> ran) {
        List<Delivery> leased = worker.lease(List.of("raced"), max, LEASE).deliveries();
        worker.settle(leased.stream().map(d -> new Settlement(d.lease(), new Outcome.Success("3"))).toList());
        leased.forEach(d -> ran.add(d.id()));
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private UUID dispatch(String queue, Duration countdown) {
        return client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(1, 2))).withQueue(queue)
                .withCountdown(countdown)).id();
    }

    /** Dispatches one execution into {@code queue}, runs and settles it: the queue is then empty. */
    private void runOne(String queue) {
        dispatch(queue, Duration.ZERO);
        try (BrokerConsumer worker = broker.consumer("worker-a")) {
            Delivery delivery = worker.lease(List.of(queue), 1, LEASE).deliveries().getFirst();
            worker.settle(List.of(new Settlement(delivery.lease(), new Outcome.Success("3"))));
        }
    }

    /** Moves the last use of {@code queue} back by {@code ago} in every partition that registered it. */
    private void lastUsed(String queue, Duration ago) {
        double at = System.currentTimeMillis() - ago.toMillis();
        for (int p = 0; p < broker.partitions().count(); p++) {
            RedisKeys keys = broker.partitions().keys(p);
            if (broker.sync().zscore(keys.queuesUsed(), queue) != null) {
                broker.sync().zadd(keys.queuesUsed(), at, queue);
            }
        }
    }

    boolean registered(String queue) {
        for (int p = 0; p < broker.partitions().count(); p++) {
            if (broker.sync().sismember(broker.partitions().keys(p).queues(), queue)) {
                return true;
            }
        }
        return false;
    }
}
