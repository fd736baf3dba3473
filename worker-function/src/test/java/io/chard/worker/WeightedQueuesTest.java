package io.chard.worker;

import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerMonitor;
import io.chard.broker.Delivery;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker serving its queues by weight runs a quiet queue's work while a busy one is still full; in strict order
 * it runs none of it until the busy queue is drained. Queue "bulk" holds 100 executions and "urgent" 5, all
 * dispatched before the worker starts; the worker runs one at a time and leases nothing ahead (no prefetch), so the
 * recorded order is the lease order. How a prefetching worker's larger lease rounds share their slots by weight is
 * checked on the rounds themselves (a task's run order among prefetched executions is the run slots' to decide).
 */
class WeightedQueuesTest {
    static final int BULK = 100;
    static final int URGENT = 5;

    Map<String, Object> properties;
    ApplicationContext dispatcher;
    ApplicationContext worker;

    @BeforeEach
    void fillTheQueues() {
        properties = new HashMap<>(TestRedis.properties());
        dispatcher = ApplicationContext.run(properties);
        TaskClient client = dispatcher.getBean(TaskClient.class);
        client.dispatchAll(requests(client, "bulk", BULK));
        client.dispatchAll(requests(client, "urgent", URGENT));
        WorkerTestTasks.recorded.clear();
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        dispatcher.close();
    }

    @Test
    void aWeightedWorkerRunsTheQuietQueuesWorkBeforeTheBusyQueueIsDrained() {
        List<String> order = runAll("bulk:1,urgent:1");
        int lastUrgent = order.lastIndexOf("urgent");
        int bulkAfter = (int) order.subList(lastUrgent, order.size()).stream().filter("bulk"::equals).count();
        assertTrue(bulkAfter >= BULK / 2, "urgent's last ran with " + bulkAfter + " of bulk's still waiting: " + order);
    }

    @Test
    void aStrictWorkerRunsNothingOfTheSecondQueueUntilTheFirstIsDrained() {
        List<String> order = runAll("bulk,urgent");
        assertEquals(BULK, order.indexOf("urgent"), "urgent's first ran after every bulk execution: " + order);
    }

    /**
     * A worker running one task at a time with 64 leased ahead leases 65 at once. Each lease round shares its
     * slots by weight (one draw per slot), where it used to fill them all in one draw's order: 65 of bulk
     * whenever bulk was drawn first. Three rounds on queues both fuller than a round: every round takes from
     * both, about half each (a split outside 12..53 of 65 has a chance below one in a million).
     */
    @Test
    void aPrefetchingWorkersLeaseRoundSharesItsSlotsByWeightNotInOneDrawsOrder() {
        TaskClient client = dispatcher.getBean(TaskClient.class);
        client.dispatchAll(requests(client, "bulk", 200));
        client.dispatchAll(requests(client, "urgent", 200));
        Map<String, Object> workerProperties = new HashMap<>(properties);
        workerProperties.put(ChardSettings.WORKER_QUEUES, "bulk:1,urgent:1");
        workerProperties.put(ChardSettings.WORKER_CONCURRENCY, 1);
        workerProperties.put(ChardSettings.WORKER_PREFETCH, 64);
        worker = ApplicationContext.run(workerProperties);
        WorkerConfig config = worker.getBean(WorkerConfig.class);
        int slots = config.concurrency() + config.prefetch();
        assertEquals(65, slots, "64 ahead beside one run slot");
        try (BrokerConsumer consumer = worker.getBean(Broker.class).consumer("weighted-rounds")) {
            // Only the source is used: what a round leases, not how the loop runs it.
            LeaseLoop.Source queues = new LeaseLoop(consumer, config, Duration.ofMinutes(1), null, batch -> { },
                    null, null, null, Clock.systemUTC()).queues(Duration.ZERO);
            for (int round = 0; round < 3; round++) {
                List<Delivery> leased = queues.lease(slots, Duration.ofMinutes(1), Instant.MAX).deliveries();
                assertEquals(slots, leased.size());
                long urgent = leased.stream().filter(d -> d.envelope().contains("\"queue\":\"urgent\"")).count();
                assertTrue(urgent >= 12 && urgent <= 53, "round " + round + ": " + urgent + " urgent of " + slots);
            }
        }
    }

    /**
     * A weighted round is several lease calls (one per queue's share, then the rest). When a later one fails (a
     * partition's master failing over), what the earlier ones leased is running in Redis and must reach the worker:
     * dropped, it would run a second time once its leases lapsed.
     */
    @Test
    void aWeightedRoundKeepsWhatItsEarlierCallsLeasedWhenALaterCallFails() {
        Map<String, Object> workerProperties = new HashMap<>(properties);
        workerProperties.put(ChardSettings.WORKER_QUEUES, "bulk:1,urgent:1");
        workerProperties.put(ChardSettings.WORKER_CONCURRENCY, 1);
        worker = ApplicationContext.run(workerProperties);
        WorkerConfig config = worker.getBean(WorkerConfig.class);
        Broker broker = worker.getBean(Broker.class);
        try (FaultyConsumer consumer = new FaultyConsumer(broker.consumer("weighted-fault"))) {
            consumer.afterLease(leased -> consumer.leaseDown = true);
            LeaseLoop.Source queues = new LeaseLoop(consumer, config, Duration.ofMinutes(1), null, batch -> { },
                    null, null, null, Clock.systemUTC()).queues(Duration.ZERO);
            List<Delivery> leased = queues.lease(config.concurrency() + config.prefetch(), Duration.ofMinutes(1),
                    Instant.MAX).deliveries();
            long running = worker.getBean(BrokerMonitor.class).queues().stream()
                    .mapToLong(BrokerMonitor.QueueDepth::leased).sum();
            assertTrue(running > 0, "the first call leased");
            assertEquals(running, leased.size(), "every execution leased in Redis is handed to the worker");
        }
    }

    @Test
    void aMalformedWeightStopsTheWorkersStartUpWithAMessageNamingIt() {
        Map<String, Object> workerProperties = new HashMap<>(properties);
        workerProperties.put(ChardSettings.WORKER_ENABLED, true);
        workerProperties.put(ChardSettings.WORKER_QUEUES, "bulk:6,urgent:none");
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(workerProperties).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("the weight in 'urgent:none' must be a whole number"),
                messages.toString());
        assertTrue(WorkerTestTasks.recorded.isEmpty(), "nothing ran");
    }

    private List<String> runAll(String queues) {
        Map<String, Object> workerProperties = new HashMap<>(properties);
        workerProperties.put(ChardSettings.WORKER_ENABLED, true);
        workerProperties.put(ChardSettings.WORKER_QUEUES, queues);
        workerProperties.put(ChardSettings.WORKER_CONCURRENCY, 1);
        workerProperties.put(ChardSettings.WORKER_PREFETCH, 0);
        worker = ApplicationContext.run(workerProperties);
        Await.until("every execution ran", Duration.ofMinutes(2),
                () -> WorkerTestTasks.recorded.size() == BULK + URGENT);
        return new ArrayList<>(WorkerTestTasks.recorded);
    }

    private static List<DispatchRequest> requests(TaskClient client, String queue, int count) {
        return IntStream.range(0, count).mapToObj(i -> DispatchRequest.of("w.record", client.toJson(List.of(queue)))
                .withQueue(queue)).toList();
    }
}
