package io.chard.broker;

import io.chard.canvas.Workflow;
import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.chard.testing.PartitionedStreams.drain;
import static io.chard.testing.PartitionedStreams.fillStream;
import static io.chard.testing.PartitionedStreams.keyIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9 item 2: no Redis key grows without bound, whether or not a recorder drains the events. */
class BoundedEventsTest {
    static final List<String> DEFAULT = List.of("default");
    static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aHeartbeatAddsOneStreamEntryForAllTheExecutionsItRenews() {
        try (ApplicationContext context = ApplicationContext.run(TestRedis.properties())) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            Set<UUID> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                ids.add(client.dispatch("test.add", i, 1).id());
            }
            try (BrokerConsumer worker = broker.consumer("worker-a");
                 EventStream stream = broker.eventStream("test")) {
                List<LeaseRef> leases = worker.lease(DEFAULT, 20, LEASE).deliveries().stream()
                        .map(Delivery::lease).toList();
                drain(stream);
                long before = broker.eventBacklog().getFirst();
                worker.heartbeat(leases, LEASE, "{}", LEASE);
                assertEquals(before + 1, broker.eventBacklog().getFirst());

                Set<UUID> beaten = new HashSet<>();
                drain(stream).stream().filter(e -> e.type().equals("heartbeat")).forEach(e -> beaten.add(e.id()));
                assertEquals(ids, beaten, "the recorder applies the one entry to each execution");
            }
        }
    }

    @Test
    void aQuietStreamReadBlockingLongerThanTheRedisTimeoutAnswersNothingInsteadOfFailing() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put("chard.redis-timeout", "600ms");
        try (ApplicationContext context = ApplicationContext.run(properties);
             EventStream stream = context.getBean(RedisBroker.class).eventStream("test")) {
            drain(stream);
            // The recorder blocks a second for new events; a timeout of 600 ms failed each quiet read as an outage.
            assertEquals(List.of(), stream.read(100, Duration.ofSeconds(1)));
        }
    }

    @Test
    void withNoRecorderDispatchIsRefusedBeforeTheStreamPassesItsCapAndNothingIsLost() throws Exception {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.EVENTS_MAX_LENGTH, 600);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            AtomicBoolean dispatching = new AtomicBoolean(true);
            AtomicLong longest = new AtomicLong();
            AtomicLong settled = new AtomicLong();
            Thread worker = Thread.ofVirtual().start(() -> {
                try (BrokerConsumer consumer = broker.consumer("worker-a")) {
                    while (true) {
                        List<Delivery> leased = consumer.lease(DEFAULT, 7, LEASE).deliveries();
                        if (leased.isEmpty() && !dispatching.get()) {
                            return;
                        }
                        consumer.heartbeat(leased.stream().map(Delivery::lease).toList(), LEASE, "{}", LEASE);
                        settled.addAndGet(consumer.settle(leased.stream().map(d -> new Settlement(d.lease(),
                                new Outcome.Success("1"))).toList()).size());
                        longest.accumulateAndGet(broker.eventBacklog().getFirst(), Math::max);
                    }
                }
            });
            List<UUID> accepted = new ArrayList<>();
            EventBacklogFullException refused = null;
            while (refused == null && accepted.size() < 1_000) {
                try {
                    accepted.add(client.dispatch("test.add", 1, 2).id());
                    longest.accumulateAndGet(broker.eventBacklog().getFirst(), Math::max);
                } catch (EventBacklogFullException e) {
                    refused = e;
                }
            }
            dispatching.set(false);
            worker.join(Duration.ofSeconds(30));
            assertTrue(refused != null, "dispatch was never refused: " + accepted.size() + " accepted");
            assertTrue(refused.getMessage().contains("recorder"), refused.getMessage());
            // An entry per dispatch (enqueued) and a few per lease and settle call (runs of alike started and
            // succeeded) fill the third (200) of the cap.
            assertTrue(accepted.size() >= 40, "refused too early, after " + accepted.size());
            assertEquals(accepted.size(), settled.get(), "every accepted dispatch ran");
            assertTrue(longest.get() <= 600, "the stream reached " + longest.get());
            assertTrue(broker.eventBacklog().getFirst() <= 600);
            for (UUID id : accepted) {
                assertEquals(ExecutionStatus.SUCCESS, broker.snapshot(id).orElseThrow().status());
            }
            assertThrows(EventBacklogFullException.class, () -> client.dispatch("test.add", 1, 2));
            assertThrows(EventBacklogFullException.class, () -> client.dispatch(Workflow.chain(
                    Workflow.task("test.add", 1, 2), Workflow.task("test.add", 1))), "a workflow is new work too");

            try (EventStream stream = broker.eventStream("recorder")) {
                assertEquals(3L * accepted.size(), drain(stream).stream()
                        .filter(e -> !e.type().equals("heartbeat")).count(), "enqueued, started, succeeded each");
                stream.trim();
            }
            client.dispatch("test.add", 1, 2);
        }
    }

    @Test
    void withNoRecorderRetriesAndProgressReportsKeepTheStreamWithinItsCapAndLoseNothing() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.EVENTS_MAX_LENGTH, 600);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            List<UUID> accepted = new ArrayList<>();
            try {
                while (accepted.size() < 1_000) {
                    accepted.add(client.dispatch("test.add", 1, 2).id());
                }
            } catch (EventBacklogFullException refused) {
                // a third of the cap is taken: no new work, the admitted executions go on
            }
            long longest = 0;
            try (BrokerConsumer worker = broker.consumer("worker-a")) {
                // Every attempt fails and retries at once, reporting progress first: before the budget covered
                // them, each round added a started, a progress and a retrying entry per execution, without end.
                int idleRounds = 0;
                for (int round = 0; round < 2_000 && idleRounds < 5; round++) {
                    List<Delivery> leased = worker.lease(DEFAULT, 7, LEASE).deliveries();
                    idleRounds = leased.isEmpty() ? idleRounds + 1 : 0;
                    leased.forEach(d -> worker.progress(d.lease(), 50, "half"));
                    worker.heartbeat(leased.stream().map(Delivery::lease).toList(), LEASE, "{}", LEASE);
                    worker.settle(leased.stream().map(d -> new Settlement(d.lease(), new Outcome.Retry(Duration.ZERO,
                            "Flaky", "again", "trace"))).toList());
                    longest = Math.max(longest, broker.eventBacklog().getFirst());
                }
                assertTrue(longest <= 600, "the stream reached " + longest);
                assertTrue(idleRounds >= 5 && longest >= 300, "leasing stopped once the stream held half its cap");
                UUID waiting = accepted.getFirst();
                assertEquals(BrokerConsumer.IdLeaseCode.HELD, worker.leaseIds(List.of(waiting), LEASE, BrokerConsumer.Fit.ANY)
                        .getFirst().code(), "a lease by id (an SQS trigger) waits too");

                // A recorder comes back: everything waited, nothing was lost.
                try (EventStream recorder = broker.eventStream("recorder")) {
                    Await.until("every accepted execution succeeds while a recorder drains", Duration.ofSeconds(30),
                            () -> {
                                drain(recorder);
                                recorder.trim();
                                List<Delivery> leased = worker.lease(DEFAULT, 50, LEASE).deliveries();
                                worker.settle(leased.stream().map(d -> new Settlement(d.lease(),
                                        new Outcome.Success("3"))).toList());
                                return accepted.stream().allMatch(id -> broker.snapshot(id).orElseThrow().status()
                                        == ExecutionStatus.SUCCESS);
                            });
                }
            }
        }
    }

    /**
     * The stream's bound (chard.events.max-length) holds whatever an operator does while no recorder drains it: a
     * purge writes one `revoked` entry per waiting execution, and stops at half the cap (as leasing does) with a
     * refusal; a recorder back, the purge finishes. The backlog was dispatched while a recorder kept the stream
     * short; the recorder then stops (PostgreSQL down) and the operator purges the queue. From a review: the purge
     * took the stream to 2,000 entries past a cap of 600.
     */
    @Test
    void aPurgeOfADeepQueueWithNoRecorderKeepsTheStreamWithinItsCap() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.EVENTS_MAX_LENGTH, 600);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            try (EventStream recorder = broker.eventStream("recorder")) {
                for (int batch = 0; batch < 20; batch++) {
                    List<DispatchRequest> requests = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        requests.add(DispatchRequest.of("test.add", client.toJson(List.of(i, batch))));
                    }
                    client.dispatchAll(requests);
                    drain(recorder);
                    recorder.trim();
                }
            }
            assertTrue(broker.eventBacklog().getFirst() < 200, "the recorder kept the stream short");
            // No recorder from here on.
            QueueControl queues = context.getBean(QueueControl.class);
            assertThrows(PurgeStoppedException.class, () -> queues.purge("default"));
            long length = broker.eventBacklog().getFirst();
            assertTrue(length <= 600, "a purge with no recorder took the stream to " + length
                    + " entries, past its cap of 600");
            Set<String> revoked = new HashSet<>();
            try (EventStream recorder = broker.eventStream("recorder")) {
                while (true) {
                    drain(recorder).forEach(event -> revoked.add(event.id().toString()));
                    recorder.trim();
                    try {
                        queues.purge("default");
                        drain(recorder).forEach(event -> revoked.add(event.id().toString()));
                        break;
                    } catch (PurgeStoppedException refused) {
                        assertTrue(broker.eventBacklog().getFirst() <= 600);
                    }
                }
            }
            assertEquals(2_000, revoked.size(), "the recorder back, every execution was purged");
        }
    }

    /**
     * A purge that took every waiting execution, the last of them filling the
     * stream to exactly half its cap, is done; its loop's closing call (which would revoke nothing, so write
     * nothing) must not turn it into a refusal that says "the rest still waiting" (admin API: 503, no audit row).
     */
    @Test
    void aPurgeThatTookEveryWaitingExecutionIsAnsweredWhenItsLastOneFilledTheStreamToHalfItsCap() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.EVENTS_MAX_LENGTH, 600);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            List<DispatchRequest> requests = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                requests.add(DispatchRequest.of("test.add", client.toJson(List.of(i, 1))).withQueue("bulk"));
            }
            client.dispatchAll(requests);
            while (broker.eventBacklog().getFirst() < 150) { // other work, no recorder
                client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(1, 1))).withQueue("other"));
            }
            assertEquals(150L, broker.eventBacklog().getFirst(), "room below half the cap for exactly the 150");
            QueueControl queues = context.getBean(QueueControl.class);
            long purged;
            try {
                purged = queues.purge("bulk");
            } catch (PurgeStoppedException refused) {
                purged = -1;
            }
            assertEquals(150L, purged, "the purge revoked all 150 (" + context.getBean(BrokerMonitor.class).queues() + ", stream "
                    + broker.eventBacklog().getFirst() + ") and was answered as refused");
        }
    }

    @Test
    void withTheHistoryOffNoEventIsWritten() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.HISTORY_ENABLED, false);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            UUID id = context.getBean(TaskClient.class).dispatch("test.add", 1, 2).id();
            try (BrokerConsumer worker = broker.consumer("worker-a")) {
                Delivery delivery = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
                worker.heartbeat(List.of(delivery.lease()), LEASE, "{}", LEASE);
                worker.settle(List.of(new Settlement(delivery.lease(), new Outcome.Success("3"))));
            }
            assertEquals(ExecutionStatus.SUCCESS, broker.snapshot(id).orElseThrow().status());
            assertEquals(0L, broker.eventBacklog().getFirst());
        }
    }

    @Test
    void aStaleReportAfterTheHashExpiredLeavesNoKeyWithoutATtl() {
        try (ApplicationContext context = ApplicationContext.run(TestRedis.properties())) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            UUID id = context.getBean(TaskClient.class).dispatch("test.add", 1, 2).id();
            try (BrokerConsumer worker = broker.consumer("worker-a")) {
                Delivery delivery = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
                broker.sync().del(broker.keys().task(id));
                assertEquals(List.of(false), worker.settle(List.of(new Settlement(delivery.lease(),
                        new Outcome.Success("3")))));
            }
            assertTrue(broker.sync().ttl(broker.keys().task(id)) > 0, "the recreated hash expires");
        }
    }

    @Test
    void aDeadWorkerLeavesTheRegistryWhenAnotherBeats() {
        try (ApplicationContext context = ApplicationContext.run(TestRedis.properties())) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            RedisKeys keys = broker.keys();
            broker.sync().zadd(keys.workers(), System.currentTimeMillis() - 3_600_000, "dead-worker");
            try (BrokerConsumer worker = broker.consumer("worker-a")) {
                worker.heartbeat(List.of(), LEASE, "{}", Duration.ofSeconds(30));
            }
            assertFalse(broker.sync().zrange(keys.workers(), 0, -1).contains("dead-worker"));
            assertTrue(broker.sync().zrange(keys.workers(), 0, -1).contains("worker-a"));
        }
    }

    @Test
    void aBatchOnePartitionRefusedStoredNoneOfItsItemsWithoutKeysSoItCanBeSentAgainWhole() {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.PARTITIONS, 2);
        properties.put(ChardSettings.EVENTS_MAX_LENGTH, 600);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            Partitions partitions = broker.partitions();
            String inFirst = keyIn(partitions, 0, "first");
            String inSecond = keyIn(partitions, 1, "second");
            fillStream(client, partitions, 1); // only the second partition's stream is full
            // The batch goes to its first key's partition, the first; its keyed item for the second goes there.
            List<DispatchRequest> batch = List.of(
                    resent(client, 1).withIdempotencyKey(inFirst),
                    resent(client, 2),
                    resent(client, 3).withIdempotencyKey(inSecond));

            assertThrows(EventBacklogFullException.class, () -> client.dispatchAll(batch));
            try (BrokerConsumer worker = broker.consumer("worker-a")) {
                assertEquals(0, worker.lease(List.of("resent"), 10, LEASE).deliveries().size(),
                        "the partition refused first: the item without a key was never stored");
            }

            try (EventStream stream = broker.eventStream("test")) {
                drain(stream);
                stream.trim();
            }
            List<UUID> stored = client.dispatchAll(batch).stream().map(Dispatched::id).toList();
            assertEquals(3, new HashSet<>(stored).size());
            try (BrokerConsumer worker = broker.consumer("worker-a")) {
                assertEquals(3, worker.lease(List.of("resent"), 10, LEASE).deliveries().size(),
                        "sent again whole, each item is stored once");
            }
        }
    }

    private static DispatchRequest resent(TaskClient client, int argument) {
        return DispatchRequest.of("test.add", client.toJson(List.of(argument, 1))).withQueue("resent");
    }
}
