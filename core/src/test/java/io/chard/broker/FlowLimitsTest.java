package io.chard.broker;

import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.task.BadLimitTasks;
import io.chard.task.FlowLimit;
import io.chard.testing.Await;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster-wide rate limits and concurrency caps, enforced by the lease script (limits.lua) against a real Redis:
 * test.rated allows 3 starts a second, test.capped 2 running at once, and the queue `reports` 2 starts a second.
 */
class FlowLimitsTest extends BrokerFixture {
    static final Duration WAIT = Duration.ofSeconds(15);

    @Override
    Map<String, Object> settings() {
        return Map.of(ChardSettings.QUEUE_LIMITS + ".reports.rate-limit", "2/s",
                ChardSettings.QUEUE_LIMITS + ".single.concurrency", 1);
    }

    @BeforeEach
    void declareLimits() {
        context.getBean(LimitDeclarations.class).declare();
    }

    @Test
    void aRateLimitedTaskStartsAtMostItsLimitInAnyWindowAndHoldsUpNothingElseOfItsQueue() {
        List<UUID> rated = dispatch(7, "test.rated");
        UUID other = client.dispatch("test.add", 1, 2).id();

        List<UUID> first = ids(worker.lease(DEFAULT, 20, LEASE).deliveries());
        assertEquals(3, first.stream().filter(rated::contains).count(), "3 of the limited task start: " + first);
        assertTrue(first.contains(other), "the unlimited task behind them in the queue starts too: " + first);
        // The 4 held back are in no ready set, so the oldest-ready gauge does not report them as late.
        BrokerMonitor.QueueDepth depth = depth("default");
        assertEquals(0, depth.ready());
        assertNull(depth.oldestReady());

        List<UUID> started = new ArrayList<>(first);
        Await.until("every limited execution started", WAIT, () -> {
            started.addAll(ids(worker.lease(DEFAULT, 20, LEASE).deliveries()));
            return started.containsAll(rated);
        });
        assertEquals(rated.size() + 1, started.size(), "each started once: " + started);
        assertAtMostPerWindow(3, startTimes(rated));
    }

    /**
     * A backlog of a rate-limited task is parked in steps of at most a thousand a lease call (and the worker told to
     * come back at once), not in one call: 1,500 parked in one script blocked Redis for as long, and a backlog of a
     * million for seconds.
     */
    @Test
    void aLeaseCallParksAtMostAThousandHeldExecutionsAndComesBackAtOnceForTheRest() {
        List<DispatchRequest> backlog = IntStream.range(0, 1_500)
                .mapToObj(i -> DispatchRequest.of("test.rated", null)).toList();
        for (int from = 0; from < backlog.size(); from += 500) {
            client.dispatchAll(backlog.subList(from, from + 500));
        }
        BrokerConsumer.LeaseBatch first = worker.lease(DEFAULT, 10, LEASE);
        assertEquals(3, first.deliveries().size(), "the limit's 3 a second");
        BrokerMonitor.QueueDepth afterOne = depth("default");
        assertTrue(afterOne.held() <= 1_000 + 10 && afterOne.ready() > 0, "held " + afterOne.held() + ", ready "
                + afterOne.ready() + " after one call");
        assertEquals(Duration.ZERO, first.nextDueIn(), "the rest of the queue waits for the next call");
        worker.lease(DEFAULT, 10, LEASE);
        assertEquals(1_497, depth("default").held(), "the second call parks the rest");
    }

    @Test
    void aCappedTaskRunsAtMostItsCapAndAnEndOrALapsedLeaseFreesASlot() {
        List<UUID> capped = dispatch(4, "test.capped");
        List<Delivery> running = worker.lease(DEFAULT, 10, Duration.ofSeconds(2)).deliveries();
        assertEquals(2, running.size());
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries(), "both slots are taken");

        assertEquals(List.of(true), worker.settle(List.of(new Settlement(running.getFirst().lease(),
                new Outcome.Success("null")))));
        List<Delivery> third = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(1, third.size(), "the slot its end freed goes to one held execution");
        assertTrue(capped.contains(third.getFirst().id()));

        // The second's lease (2 s) lapses: its slot is freed and it is handed on (it keeps its place).
        Delivery again = Await.value("the lapsed lease is handed on", WAIT, () -> {
            List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
            assertTrue(leased.size() <= 1, "never more than the cap running: " + leased);
            return leased.isEmpty() ? null : leased.getFirst();
        });
        assertEquals(running.get(1).id(), again.id());
        assertEquals(2, again.deliveries());
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries(), "the cap is full again");
    }

    @Test
    void leasingByIdAnswersLimitedWhileTheCapIsFullAndLeasesOnceASlotFrees() {
        List<UUID> capped = dispatch(3, "test.capped");
        List<BrokerConsumer.IdLease> found = worker.leaseIds(capped, LEASE, BrokerConsumer.Fit.ANY);
        assertEquals(List.of(BrokerConsumer.IdLeaseCode.LEASED, BrokerConsumer.IdLeaseCode.LEASED,
                BrokerConsumer.IdLeaseCode.LIMITED), found.stream().map(BrokerConsumer.IdLease::code).toList());
        assertEquals(List.of(true), worker.settle(List.of(new Settlement(found.getFirst().delivery().lease(),
                new Outcome.Success("null")))));
        assertEquals(BrokerConsumer.IdLeaseCode.LEASED,
                worker.leaseIds(List.of(capped.get(2)), LEASE, BrokerConsumer.Fit.ANY).getFirst().code());
    }

    @Test
    void anExecutionLeasedByIdAfterItWasHeldIsNotPutBackByItsLimitWhileItWaitsForARetry() {
        List<UUID> capped = dispatch(5, "test.capped");
        List<BrokerConsumer.IdLease> first = worker.leaseIds(capped.subList(0, 2), LEASE, BrokerConsumer.Fit.ANY);
        assertEquals(List.of(BrokerConsumer.IdLeaseCode.LIMITED, BrokerConsumer.IdLeaseCode.LIMITED,
                BrokerConsumer.IdLeaseCode.LIMITED), worker.leaseIds(capped.subList(2, 5), LEASE,
                BrokerConsumer.Fit.ANY).stream().map(BrokerConsumer.IdLease::code).toList());
        settle(first.getFirst().delivery(), new Outcome.Success("null")); // its slot goes to the third
        // The queue trigger hands the fifth over again: a slot is free, so it starts (still in the cap's wait set).
        BrokerConsumer.IdLease fifth = worker.leaseIds(List.of(capped.get(4)), LEASE, BrokerConsumer.Fit.ANY)
                .getFirst();
        assertEquals(BrokerConsumer.IdLeaseCode.LEASED, fifth.code());
        settle(fifth.delivery(), new Outcome.Retry(Duration.ofHours(1), "java.io.IOException", "boom", ""));
        settle(first.get(1).delivery(), new Outcome.Success("null")); // the wait set is drained to its end

        assertEquals(capped.subList(2, 4), ids(worker.lease(DEFAULT, 10, LEASE).deliveries()),
                "the fifth waits for its retry, not made ready by the limit that held it before");
        BrokerMonitor.QueueDepth depth = depth("default");
        assertEquals(List.of(0L, 1L, 0L), List.of(depth.ready(), depth.delayed(), depth.held()), depth.toString());
        assertEquals(1, context.getBean(QueueControl.class).purge("default"), "revoked once, not twice");
    }

    private void settle(Delivery delivery, Outcome outcome) {
        assertEquals(List.of(true), worker.settle(List.of(new Settlement(delivery.lease(), outcome))));
    }

    @Test
    void executionsHeldBackByACapCountInTheirQueueDepthAndARevokeOrAPurgeReachesThem() {
        List<UUID> capped = dispatch(5, "test.capped");
        List<Delivery> running = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(2, running.size());
        List<UUID> held = capped.stream().filter(id -> !ids(running).contains(id)).toList();
        BrokerMonitor.QueueDepth depth = depth("default");
        assertEquals(3, depth.held(), depth.toString());
        assertEquals(0, depth.ready(), "held back, so not ready (not reported as late)");

        assertEquals(Revocation.REVOKED, client.revoke(held.getFirst()));
        assertEquals(2, depth("default").held(), "a revoked execution is no longer held");
        assertEquals(2, context.getBean(QueueControl.class).purge("default"), "the purge reaches the held ones");
        for (UUID id : held.subList(1, held.size())) {
            ExecutionSnapshot purged = broker.snapshot(id).orElseThrow();
            assertEquals(ExecutionStatus.REVOKED, purged.status());
            assertEquals("purged", purged.reason());
        }
        assertEquals(0, depth("default").held());

        // A freed slot finds no held execution left to start: the purged ones left the cap's wait set too.
        assertEquals(List.of(true), worker.settle(List.of(new Settlement(running.getFirst().lease(),
                new Outcome.Success("null")))));
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries());
        assertEquals(ExecutionStatus.RUNNING, broker.snapshot(running.get(1).id()).orElseThrow().status());
    }

    @Test
    void anExecutionARateLimitHeldBackWaitsFromItsReleaseNotFromItsDispatch() {
        List<UUID> rated = dispatch(4, "test.rated");
        assertEquals(3, worker.lease(DEFAULT, 10, LEASE).deliveries().size());
        assertEquals(1, depth("default").held());
        Instant heldSince = Instant.now();
        Delivery fourth = Await.value("the fourth starts in the next window", WAIT, () -> {
            List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
            return leased.isEmpty() ? null : leased.getFirst();
        });
        assertEquals(rated.get(3), fourth.id());
        assertEquals(0, depth("default").held());
        long heldFor = Duration.between(heldSince, Instant.now()).toMillis();
        assertTrue(fourth.waitedMillis() >= 0 && fourth.waitedMillis() < heldFor,
                "its wait starts when its limit let it go: " + fourth.waitedMillis() + " ms of " + heldFor);
    }

    @Test
    void aReleasedExecutionFreesItsSlotForTheNextOne() {
        dispatch(3, "test.capped");
        List<Delivery> running = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(2, running.size());
        worker.release(List.of(running.getFirst().lease()));
        assertEquals(1, worker.lease(DEFAULT, 10, LEASE).deliveries().size());
    }

    @Test
    void aPerKeyCapHoldsForEachValueOfItsArgumentApartWhetherPassedByPositionOrByName() {
        UUID acme1 = client.dispatch("test.per_customer", "acme", 1).id();
        UUID acme2 = client.dispatch(DispatchRequest.of("test.per_customer", null)
                .withKwargs(client.toJson(Map.of("customer", "acme", "order", 2)))).id();
        UUID globex = client.dispatch("test.per_customer", "globex", 3).id();
        List<Delivery> first = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(Set.of(acme1, globex), Set.copyOf(ids(first)), "one per customer");
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries(), "acme's second waits for its first");

        Delivery acmeFirst = first.stream().filter(d -> d.id().equals(acme1)).findFirst().orElseThrow();
        assertEquals(List.of(true), worker.settle(List.of(new Settlement(acmeFirst.lease(),
                new Outcome.Success("null")))));
        assertEquals(List.of(acme2), ids(worker.lease(DEFAULT, 10, LEASE).deliveries()));
    }

    /**
     * test.per_tenant is one at a time per tenant, a long: tenant 1 dispatched from Java and as 1.0 over HTTP JSON
     * is the same tenant to the task, but the key was the number's text ("1" and "1.0"), so both ran at once.
     */
    @Test
    void aPerKeyCapOnANumberHoldsForOneTenantWhetherItIsWrittenAsOneOrOnePointZero() throws IOException {
        JsonMapper json = context.getBean(JsonMapper.class);
        UUID fromJava = client.dispatch("test.per_tenant", 1, 1).id();
        UUID fromJson = client.dispatch(DispatchRequest.of("test.per_tenant",
                json.readValue("[1.0, 2]", JsonNode.class))).id();
        UUID byExponent = client.dispatch(DispatchRequest.of("test.per_tenant",
                json.readValue("[1e0, 3]", JsonNode.class))).id();
        List<UUID> first = ids(worker.lease(DEFAULT, 10, LEASE).deliveries());
        assertEquals(List.of(fromJava), first, "one at a time for tenant 1 (1.0 is " + fromJson + ", 1e0 is "
                + byExponent + ")");
    }

    @Test
    void aQueueRateLimitCoversEveryTaskOfTheQueueAndNoOtherQueue() {
        List<UUID> reports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            reports.add(client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(i, i)))
                    .withQueue("reports")).id());
            reports.add(client.dispatch(DispatchRequest.of("test.sum", client.toJson(List.of(List.of(i))))
                    .withQueue("reports")).id());
        }
        List<UUID> elsewhere = dispatch(3, "test.add", 1, 2);
        List<UUID> first = ids(worker.lease(List.of("reports", "default"), 20, LEASE).deliveries());
        assertEquals(2, first.stream().filter(reports::contains).count(), first.toString());
        assertTrue(first.containsAll(elsewhere), "the default queue is not limited: " + first);

        List<UUID> started = new ArrayList<>(first);
        Await.until("every execution of the limited queue started", WAIT, () -> {
            started.addAll(ids(worker.lease(List.of("reports"), 20, LEASE).deliveries()));
            return started.containsAll(reports);
        });
        assertAtMostPerWindow(2, startTimes(reports));
    }

    @Test
    void aMalformedRateOrALimitOfZeroStopsStartUpNamingTheTaskOrQueue() {
        Map<String, Object> badTask = new HashMap<>(properties());
        badTask.put(BadLimitTasks.ENABLED, true);
        Throwable task = assertThrows(RuntimeException.class, () -> ApplicationContext.run(badTask).close());
        assertTrue(causes(task).contains("task 'test.badly_rated': rate limit '10/fortnight' is not N/s, N/m or N/h"),
                causes(task));

        Map<String, Object> zeroQueue = new HashMap<>(properties());
        zeroQueue.put(ChardSettings.QUEUE_LIMITS + ".mail.concurrency", 0);
        Throwable queue = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(zeroQueue).getBean(TaskClient.class));
        assertTrue(causes(queue).contains("queue 'mail': concurrency must be at least 1"), causes(queue));

        assertThrows(IllegalArgumentException.class, () -> FlowLimit.parse("0/s", -1));
        assertEquals(new FlowLimit(100, Duration.ofHours(1), 0, null), FlowLimit.parse("100/hour", -1));
        assertEquals(new FlowLimit(5, Duration.ofMinutes(1), 3, null), FlowLimit.parse(" 5 / m ", 3));
    }

    /**
     * A unique task's lock holds per queue, so the queue's limit pins every dispatch of one lock to one partition:
     * the lock is met there and the limit counted there. (A lock across queues met a dispatch to a limited queue in
     * the limit's partition and one to another queue in the lock's: both ran.)
     */
    @Test
    void aUniqueTasksLockHoldsPerQueueAndADispatchToALimitedQueueMeetsItInTheLimitsPartition() {
        int limitPartition = broker.partitions().forKey(FlowLimit.ofQueue("reports"));
        for (long n = 1; n <= 8; n++) {
            DispatchRequest call = DispatchRequest.of("test.unique_running", client.toJson(List.of(n)));
            Dispatched first = client.dispatch(call.withQueue("reports"));
            Dispatched again = client.dispatch(call.withQueue("reports"));
            assertTrue(again.duplicate() && again.id().equals(first.id()), "key " + n + " ran twice on its queue");
            assertEquals(limitPartition, broker.partitions().of(first.id()), "counted by its queue's limit");
            assertFalse(client.dispatch(call).duplicate(), "key " + n + " on another queue is a lock of its own");
        }
    }

    /**
     * An idempotency key on a dispatch a limit pins (the task's, a per-key one, the queue's) is stored where the
     * execution goes, the limit's partition; a repeat of that dispatch goes there too and is answered as a duplicate.
     */
    @Test
    void aRepeatedIdempotencyKeyOnALimitedDispatchIsAnsweredByTheFirstExecution() {
        for (int n = 1; n <= 8; n++) {
            String key = "click-" + n;
            List<DispatchRequest> calls = List.of(
                    DispatchRequest.of("test.rated", null).withIdempotencyKey(key),
                    DispatchRequest.of("test.per_customer", client.toJson(List.of("c-" + n, n)))
                            .withIdempotencyKey(key),
                    DispatchRequest.of("test.add", client.toJson(List.of(n, n))).withQueue("reports")
                            .withIdempotencyKey(key));
            for (DispatchRequest call : calls) {
                Dispatched first = client.dispatch(call);
                Dispatched again = client.dispatch(call);
                List<Dispatched> inBatch = client.dispatchAll(
                        List.of(DispatchRequest.of("test.add", client.toJson(List.of(0, 0))), call));
                assertFalse(first.duplicate(), call.task() + " " + key);
                assertTrue(again.duplicate() && again.id().equals(first.id()), call.task() + " " + key + " ran twice");
                assertTrue(inBatch.get(1).duplicate() && inBatch.get(1).id().equals(first.id()),
                        call.task() + " " + key + " ran twice from a batch");
            }
        }
    }

    /**
     * A unique task limited per key on another argument than its lock's: two dispatches of one order for two
     * customers have two limits, which could sit in two partitions; the lock decides, so they meet.
     */
    @Test
    void aUniqueTaskLimitedOnAnotherArgumentStaysOneExecutionPerLock() {
        String task = "test.unique_order_per_customer";
        Partitions partitions = broker.partitions();
        // Another customer whose limit is in another partition, where there is more than one.
        String other = IntStream.range(0, 100).mapToObj(i -> "customer-" + i).filter(c -> partitions.count() == 1
                || partitions.forKey(FlowLimit.ofKey(task, c)) != partitions.forKey(FlowLimit.ofKey(task, "a")))
                .findFirst().orElseThrow();
        List<String> twice = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            Dispatched first = client.dispatch(DispatchRequest.of(task, client.toJson(List.of("a", "order-" + n))));
            Dispatched second = client.dispatch(DispatchRequest.of(task, client.toJson(List.of(other, "order-" + n))));
            if (!second.duplicate() || !second.id().equals(first.id())) {
                twice.add("order-" + n);
            }
        }
        assertEquals(List.of(), twice, "orders with two executions holding one unique lock");
    }

    /**
     * A unique execution held back by a cap keeps its lock past its expiry for as long as the cap stays full: a
     * dispatch made after it expired is answered by it as a duplicate, and it never runs (it is revoked as expired
     * once its cap has room), so the work that dispatch asked for is lost.
     */
    @Test
    void aDispatchAfterAHeldUniqueExecutionExpiredIsNotAnsweredByIt() {
        UUID blocker = client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(1, 2)))
                .withQueue("single")).id();
        List<Delivery> first = worker.lease(List.of("single"), 10, LEASE).deliveries();
        assertEquals(List.of(blocker), ids(first), "the cap's one slot");
        Dispatched held = client.dispatch(DispatchRequest.of("test.unique_short_lived", null).withQueue("single"));
        assertEquals(List.of(), worker.lease(List.of("single"), 10, LEASE).deliveries());
        assertEquals(1, depth("single").held(), "held back by the cap");
        Await.until("its expiry passed", WAIT,
                () -> Instant.now().isAfter(broker.snapshot(held.id()).orElseThrow().queuedAt().plusMillis(400)));

        Dispatched again = client.dispatch(DispatchRequest.of("test.unique_short_lived", null).withQueue("single"));
        settle(first.getFirst(), new Outcome.Success("3"));
        List<UUID> started = ids(worker.lease(List.of("single"), 10, LEASE).deliveries());
        assertEquals(ExecutionStatus.REVOKED, broker.snapshot(held.id()).orElseThrow().status(), "it expired");
        assertTrue(!again.duplicate() && started.equals(List.of(again.id())),
                "the dispatch made after the holder expired runs; duplicate=" + again.duplicate() + ", answered "
                        + (again.id().equals(held.id()) ? "the expired holder" : again.id()) + ", started " + started);
    }

    /**
     * A deploy that no longer configures a queue's limit (its `chard.queue-limits.<queue>` entries removed) lifts it:
     * its workers declare their limits at start, and the queue's executions are no longer pinned to one partition,
     * so a limit left in Redis would go on holding them back, counted per partition.
     */
    @Test
    void aQueueLimitRemovedFromTheConfigurationIsLiftedWhenTheNextDeployDeclaresItsLimits() {
        Map<String, Object> redeployed = new HashMap<>(properties());
        redeployed.put(ChardSettings.NAMESPACE, context.getRequiredProperty(ChardSettings.NAMESPACE, String.class));
        try (ApplicationContext next = ApplicationContext.run(redeployed)) {
            next.getBean(LimitDeclarations.class).declare(); // a worker of the new deploy starts
            TaskClient nextClient = next.getBean(TaskClient.class);
            List<UUID> reports = IntStream.range(0, 4).mapToObj(i -> nextClient.dispatch(DispatchRequest.of("test.add",
                    nextClient.toJson(List.of(i, i))).withQueue("reports")).id()).toList();
            BrokerConsumer nextWorker = next.getBean(RedisBroker.class).consumer("worker-next");
            try {
                List<UUID> started = ids(nextWorker.lease(List.of("reports"), 10, LEASE).deliveries());
                assertEquals(Set.copyOf(reports), Set.copyOf(started),
                        "the queue is no longer limited to 2/s; held back: " + reports.stream()
                                .filter(id -> !started.contains(id)).toList());
            } finally {
                nextWorker.close();
            }
        }
    }

    /**
     * A deploy that lifts the namespace's last limit (the one rate-limited task loses its rateLimit, or the one
     * queue limit leaves the configuration) leaves every partition's limits hash empty: LimitDeclarations HDELs each
     * name it lifts, and Redis deletes a hash with no field. The executions that limit held back must then go back
     * to their queue, as they do when another limit is still declared (limits_due: "the limit was lifted: its held
     * executions go back at once"). But limits.lua skips limits_due altogether while the hash does not exist
     * (LIMITED), so they stayed in the limit's wait set, counted as held, never to start.
     */
    @Test
    void executionsHeldByTheLastLimitOfTheNamespaceStartOnceADeployLiftsIt() {
        List<UUID> rated = dispatch(6, "test.rated");
        List<UUID> started = new ArrayList<>(ids(worker.lease(DEFAULT, 20, LEASE).deliveries()));
        assertEquals(3, started.size(), "3 of 6 start, 3 are held back");
        assertEquals(3, depth("default").held());

        // The next deploy declares no limit: every name it lifts is HDEL'd, which leaves no limits hash.
        for (int p = 0; p < broker.partitions().count(); p++) {
            String key = broker.partitions().keys(p).limits();
            List<String> names = List.copyOf(broker.sync().hkeys(key));
            if (!names.isEmpty()) {
                broker.sync().hdel(key, names.toArray(String[]::new));
            }
        }

        Duration within = Duration.ofSeconds(8);
        Instant until = Instant.now().plus(within);
        while (!started.containsAll(rated) && Instant.now().isBefore(until)) {
            started.addAll(ids(worker.lease(DEFAULT, 20, LEASE).deliveries()));
            sleep(100);
        }
        assertEquals(Set.copyOf(rated), Set.copyOf(started), "no limit is declared any more, yet after " + within
                + " these still wait, held: " + rated.stream().filter(id -> !started.contains(id)).toList()
                + " (queue depth held = " + depth("default").held() + ")");
    }

    /**
     * A task's cap counts its executions on every queue. A worker serving only `other` dies holding both slots of
     * test.capped, and no worker serves `other` any more: no lease of it takes those lapsed leases back, and the
     * task's executions everywhere else were held for good. From a review.
     */
    @Test
    void aCapSlotHeldByALapsedLeaseOnAQueueNoWorkerServesIsFreedForTheTasksOtherQueues() {
        for (int i = 0; i < 2; i++) {
            client.dispatch(DispatchRequest.of("test.capped", null).withQueue("other"));
        }
        BrokerConsumer dead = broker.consumer("worker-dead");
        try {
            assertEquals(2, dead.lease(List.of("other"), 10, Duration.ofSeconds(1)).deliveries().size());
        } finally {
            dead.close(); // it dies: no heartbeat, no settle, and nobody serves `other` after it
        }
        UUID waiting = client.dispatch("test.capped").id();
        Delivery started = Await.value("the default queue's execution starts once the dead leases lapsed",
                Duration.ofSeconds(10), () -> {
                    List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
                    return leased.isEmpty() ? null : leased.getFirst();
                });
        assertEquals(waiting, started.id());
    }

    /**
     * The cap's slot of a lapsed lease given to another execution: the late worker's next heartbeat renewed that
     * lease, and three ran under a cap of two. The lease is taken back with the slot. From a review.
     */
    @Test
    void aCapSlotTakenFromALateWorkersLapsedLeaseIsNotAlsoKeptByThatWorker() {
        for (int i = 0; i < 2; i++) {
            client.dispatch(DispatchRequest.of("test.capped", null).withQueue("other"));
        }
        BrokerConsumer late = broker.consumer("worker-late");
        try {
            List<Delivery> held = late.lease(List.of("other"), 10, Duration.ofSeconds(1)).deliveries();
            assertEquals(2, held.size());
            UUID waiting = client.dispatch("test.capped").id();
            Delivery started = Await.value("the default queue's execution starts once the late leases lapsed",
                    Duration.ofSeconds(10), () -> {
                        List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
                        return leased.isEmpty() ? null : leased.getFirst();
                    });
            assertEquals(waiting, started.id());
            // The late worker wakes: its heartbeat comes before any lease of `other` took its leases back.
            HeartbeatReply reply = late.heartbeat(held.stream().map(Delivery::lease).toList(), LEASE, "{}", LEASE);
            List<UUID> running = new ArrayList<>(List.of(started.id()));
            held.stream().map(Delivery::id).filter(id -> !reply.lost().contains(id)).forEach(running::add);
            assertTrue(running.size() <= 2, "test.capped allows 2 running at once, yet " + running.size()
                    + " hold live leases: " + running + " (heartbeat renewed " + (running.size() - 1)
                    + " of the late worker's lapsed leases whose slots were given away)");
        } finally {
            late.close();
        }
    }

    /** As the next, for a per-key limit: its held executions wait under the task's name and the key. From a review. */
    @Test
    void executionsHeldByAPerKeyRateLimitStartOnceADeployChangesIt() {
        for (int p = 0; p < broker.partitions().count(); p++) { // the previous deploy: 1 an hour per customer
            broker.sync().hset(broker.partitions().keys(p).limits(), FlowLimit.ofTask("test.per_customer"),
                    "1 3600000 0 1");
        }
        UUID acme1 = client.dispatch("test.per_customer", "acme", 1).id();
        UUID acme2 = client.dispatch("test.per_customer", "acme", 2).id();
        List<Delivery> first = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(List.of(acme1), ids(first), "1 an hour per customer: acme's second is held");
        assertEquals(List.of(true), worker.settle(List.of(new Settlement(first.getFirst().lease(),
                new Outcome.Success("null")))));

        context.getBean(LimitDeclarations.class).declare(); // the new deploy: one at a time per customer, no rate
        List<UUID> started = new ArrayList<>();
        Instant until = Instant.now().plus(Duration.ofSeconds(6));
        while (!started.contains(acme2) && Instant.now().isBefore(until)) {
            started.addAll(ids(worker.lease(DEFAULT, 10, LEASE).deliveries()));
            sleep(100);
        }
        assertTrue(started.contains(acme2), "the limit is now 1 running per customer and none runs, yet acme's "
                + "second is still held (held = " + depth("default").held() + ")");
    }

    /**
     * A deploy that raises a rate limit (3 an hour, too strict, becomes 3 a second) must apply to the executions the
     * old limit holds back: "a limit changed by a deploy applies to executions already waiting". LimitDeclarations
     * rewrites the limits hash but leaves lim:due, which the old limit set to when its oldest start leaves its hour:
     * the held executions wait up to an hour, while a dispatch made after the deploy starts at once.
     */
    @Test
    void executionsHeldByARateLimitStartOnceADeployRaisesItNotAfterTheOldWindow() {
        for (int p = 0; p < broker.partitions().count(); p++) { // the previous deploy declared 3 an hour
            broker.sync().hset(broker.partitions().keys(p).limits(), FlowLimit.ofTask("test.rated"), "3 3600000 0 0");
        }
        List<UUID> rated = dispatch(5, "test.rated");
        List<UUID> started = new ArrayList<>(ids(worker.lease(DEFAULT, 20, LEASE).deliveries()));
        assertEquals(3, started.size(), "3 of 5 start in the hour, 2 are held back");
        assertEquals(2, depth("default").held());

        context.getBean(LimitDeclarations.class).declare(); // the new deploy's worker starts: 3 a second
        sleep(1_100); // the 3 starts left the new one-second window
        UUID afterDeploy = client.dispatch("test.rated").id();
        Instant until = Instant.now().plus(Duration.ofSeconds(6));
        while (!started.containsAll(rated) && Instant.now().isBefore(until)) {
            started.addAll(ids(worker.lease(DEFAULT, 20, LEASE).deliveries()));
            sleep(100);
        }
        assertEquals(Set.copyOf(rated), Set.copyOf(rated.stream().filter(started::contains).toList()),
                "the limit is 3 a second now, yet these still wait, held: " + rated.stream()
                        .filter(id -> !started.contains(id)).toList() + " (held = " + depth("default").held()
                        + "), while the dispatch after the deploy started: " + started.contains(afterDeploy));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An end hands its freed slot to the first execution its cap holds back; when that one expired while held, the
     * slot must still go to one that can start, not sit free until the cap's 5 s recheck.
     */
    @Test
    void aSlotFreedWhileTheFirstHeldExecutionExpiredGoesToTheNextOneAtOnce() {
        UUID blocker = client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(1, 2)))
                .withQueue("single")).id();
        List<Delivery> first = worker.lease(List.of("single"), 10, LEASE).deliveries();
        assertEquals(List.of(blocker), ids(first));
        UUID shortLived = client.dispatch(DispatchRequest.of("test.short_lived", null).withQueue("single")).id();
        UUID next = client.dispatch(DispatchRequest.of("test.add", client.toJson(List.of(3, 4)))
                .withQueue("single")).id();
        assertEquals(List.of(), worker.lease(List.of("single"), 10, LEASE).deliveries());
        assertEquals(2, depth("single").held());
        Await.until("the first held one's expiry passed", WAIT,
                () -> Instant.now().isAfter(broker.snapshot(shortLived).orElseThrow().queuedAt().plusMillis(400)));

        settle(first.getFirst(), new Outcome.Success("3"));
        List<UUID> started = ids(worker.lease(List.of("single"), 10, LEASE).deliveries());
        assertEquals("expired", broker.snapshot(shortLived).orElseThrow().reason());
        assertEquals(List.of(next), started, "the freed slot goes to the held execution that can start; held: "
                + depth("single").held());
    }

    /** Sorted start times: the i-th and the (i+n)-th are at least a window apart, so no window holds n + 1. */
    static void assertAtMostPerWindow(int n, List<Long> starts) {
        for (int i = 0; i + n < starts.size(); i++) {
            assertTrue(starts.get(i + n) - starts.get(i) >= 1000, "more than " + n + " starts within a second: "
                    + starts);
        }
    }

    List<Long> startTimes(List<UUID> ids) {
        return ids.stream().map(id -> Long.parseLong(broker.sync().hget(broker.partitions().keys(id).task(id),
                "started"))).sorted().toList();
    }

    BrokerMonitor.QueueDepth depth(String queue) {
        return context.getBean(BrokerMonitor.class).queues().stream().filter(q -> q.name().equals(queue))
                .findFirst().orElseThrow();
    }

    List<UUID> dispatch(int n, String task, Object... args) {
        return IntStream.range(0, n).mapToObj(i -> client.dispatch(task, args).id()).toList();
    }

    static List<UUID> ids(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::id).toList();
    }

    static String causes(Throwable error) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages.stream().collect(Collectors.joining(" <- "));
    }
}
