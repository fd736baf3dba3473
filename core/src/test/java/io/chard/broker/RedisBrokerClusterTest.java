package io.chard.broker;

import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.testing.Await;
import io.chard.testing.TestRedisCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every broker test of {@link RedisBrokerTest} again, on a Redis Cluster of three masters with the namespace
 * in three partitions, plus what partitions promise.
 */
class RedisBrokerClusterTest extends RedisBrokerTest {

    @Override
    Map<String, Object> properties() {
        return TestRedisCluster.properties(3);
    }

    /**
     * Opens the connections to the three masters and loads the enqueue script on each before a test starts, so
     * that the first dispatch of a test (a countdown of 100 ms) is not slowed by them on this shared machine.
     */
    @BeforeEach
    void warmUp() {
        broker.ping();
        for (int i = 0; i < 24; i++) {
            client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(1, 2))).withQueue("warm-up"));
        }
    }

    /** Replaces the single-slot version: order holds within a partition, and one batch is one partition. */
    @Override
    void higherPriorityIsLeasedFirstAndEqualPrioritiesInDispatchOrder() {
    }

    @Test
    void higherPriorityIsLeasedFirstAndEqualPrioritiesInDispatchOrderWithinOneBatch() {
        List<Dispatched> batch = client.dispatchAll(List.of(request(1), request(9), request(1), request(5)));
        List<UUID> ids = batch.stream().map(Dispatched::id).toList();
        assertEquals(1, ids.stream().map(broker.partitions()::of).distinct().count(), "one partition per batch");
        List<UUID> leased = worker.lease(DEFAULT, 10, LEASE).deliveries().stream().map(Delivery::id).toList();
        assertEquals(List.of(ids.get(1), ids.get(3), ids.get(0), ids.get(2)), leased);
    }

    @Test
    void dispatchesSpreadOverEveryPartitionAndIdsNameTheirPartition() {
        Set<Integer> used = IntStream.range(0, 60).mapToObj(i -> client.dispatch("test.add", i, i).id())
                .map(broker.partitions()::of).collect(Collectors.toSet());
        assertEquals(Set.of(0, 1, 2), used);
        assertEquals(60, worker.lease(DEFAULT, 100, LEASE).deliveries().size());
    }

    @Test
    void whatEarlierPartitionsLeasedReachesTheWorkerWhenALaterPartitionFails() {
        List<UUID> ids = IntStream.range(0, 60).mapToObj(i -> client.dispatch("test.add", i, i).id()).toList();
        // The last partition a fresh consumer calls fails its lease script, as a partition whose master fails over
        // does: its paused set is not a set.
        String paused = broker.partitions().keys(2).paused();
        broker.sync().set(paused, "not a set");
        Set<UUID> leased;
        try {
            leased = worker.lease(DEFAULT, 100, LEASE).deliveries().stream().map(Delivery::id)
                    .collect(Collectors.toSet());
            Set<UUID> running = ids.stream()
                    .filter(id -> broker.snapshot(id).orElseThrow().status() == ExecutionStatus.RUNNING)
                    .collect(Collectors.toSet());
            assertEquals(running, leased, "every execution leased in Redis is handed to the worker");
            assertEquals(Set.of(0, 1), leased.stream().map(broker.partitions()::of).collect(Collectors.toSet()));
            BrokerConsumer.LeaseBatch whileResting = worker.lease(DEFAULT, 100, LEASE);
            assertEquals(0, whileResting.deliveries().size(),
                    "while the failing partition rests, a call leases from the others and does not fail");
            assertTrue(whileResting.nextDueIn() != null && whileResting.nextDueIn().compareTo(Duration.ofSeconds(5)) <= 0,
                    "the resting partition may hold ready work: the batch is due again when its rest ends, so a "
                            + "drain is not dry (" + whileResting.nextDueIn() + ")");
        } finally {
            broker.sync().del(paused);
        }
        int rest = ids.size() - leased.size();
        assertEquals(rest, Await.value("the partition answering again after its rest", Duration.ofSeconds(5), () -> {
            int more = worker.lease(DEFAULT, 100, LEASE).deliveries().size();
            return more == 0 ? null : more;
        }));
    }

    @Test
    void aLeaseCallFailsOnlyWhenNoPartitionAnswers() {
        List<String> pausedSets = IntStream.range(0, 3).mapToObj(p -> broker.partitions().keys(p).paused()).toList();
        pausedSets.forEach(paused -> broker.sync().set(paused, "not a set"));
        try {
            assertThrows(IllegalStateException.class, () -> worker.lease(DEFAULT, 100, LEASE),
                    "every partition refused the call");
            assertThrows(BrokerUnavailableException.class, () -> worker.lease(DEFAULT, 100, LEASE),
                    "every partition rests: nothing is called, the worker's own outage backs off");
        } finally {
            pausedSets.forEach(paused -> broker.sync().del(paused));
        }
    }

    @Test
    void leasingByIdAFailingPartitionLeavesOnlyItsOwnIdsUnreachedAndRestsBeforeItIsCalledAgain() {
        List<UUID> ids = IntStream.range(0, 60).mapToObj(i -> client.dispatch("test.add", i, i).id()).toList();
        // The first partition called fails: the calls go on to the others.
        String paused = broker.partitions().keys(0).paused();
        broker.sync().set(paused, "not a set");
        List<UUID> unreached;
        try {
            List<BrokerConsumer.IdLease> found = worker.leaseIds(ids, LEASE, BrokerConsumer.Fit.ANY);
            List<UUID> failedPartitions = ids.stream().filter(id -> broker.partitions().of(id) == 0).toList();
            // At once, within the rest's first 200 ms: the refusing key is still there, so a call would fail anew.
            assertThrows(BrokerUnavailableException.class,
                    () -> worker.leaseIds(failedPartitions, LEASE, BrokerConsumer.Fit.ANY),
                    "while its partition rests, ids there are not asked for, and with no partition answering the "
                            + "call fails");
            assertEquals(ids, found.stream().map(BrokerConsumer.IdLease::id).toList(), "one answer per id, in order");
            for (BrokerConsumer.IdLease result : found) {
                boolean failedPartition = broker.partitions().of(result.id()) == 0;
                assertEquals(failedPartition ? BrokerConsumer.IdLeaseCode.UNREACHED : BrokerConsumer.IdLeaseCode.LEASED,
                        result.code());
                assertEquals(failedPartition ? ExecutionStatus.PENDING : ExecutionStatus.RUNNING,
                        broker.snapshot(result.id()).orElseThrow().status(), "leased in Redis exactly when answered");
            }
            unreached = found.stream().filter(r -> r.code() == BrokerConsumer.IdLeaseCode.UNREACHED)
                    .map(BrokerConsumer.IdLease::id).toList();
            assertFalse(unreached.isEmpty());
        } finally {
            broker.sync().del(paused);
        }
        assertEquals(unreached.size(), Await.value("the partition answering again after its rest", Duration.ofSeconds(5),
                () -> {
                    try {
                        long leased = worker.leaseIds(unreached, LEASE, BrokerConsumer.Fit.ANY).stream()
                                .filter(r -> r.code() == BrokerConsumer.IdLeaseCode.LEASED).count();
                        return leased == 0 ? null : (int) leased;
                    } catch (BrokerUnavailableException resting) {
                        return null;
                    }
                }));
    }

    @Test
    void anIdempotencyKeyMeetsItsFirstExecutionWhateverPartitionADispatchWouldPick() {
        for (int i = 0; i < 10; i++) {
            Dispatched first = client.dispatch(request(5).withIdempotencyKey("order-" + i));
            for (int again = 0; again < 3; again++) {
                Dispatched second = client.dispatch(request(5).withIdempotencyKey("order-" + i));
                assertEquals(first.id(), second.id());
                assertTrue(second.duplicate());
            }
        }
        assertEquals(10, worker.lease(DEFAULT, 100, LEASE).deliveries().size());
    }

    @Test
    void queueDepthsAreSummedOverPartitions() {
        IntStream.range(0, 30).forEach(i -> client.dispatch("test.add", i, i));
        BrokerMonitor.QueueDepth depth = context.getBean(BrokerMonitor.class).queues().stream()
                .filter(q -> q.name().equals("default")).findFirst().orElseThrow();
        assertEquals(30, depth.ready());
    }

    private DispatchRequest request(int priority) {
        return DispatchRequest.of("test.add", client.toJson(List.of(1, 2))).withPriority(priority);
    }
}
