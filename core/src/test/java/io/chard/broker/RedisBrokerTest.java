package io.chard.broker;

import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker's delivery semantics, against a real Redis. */
class RedisBrokerTest extends BrokerFixture {

    @Test
    void aBrokerClosedByItsStoppingApplicationRefusesAtOnceInsteadOfReconnecting() {
        client.dispatch("test.add", 1, 2);
        broker.close();
        // Before, the next command reopened a connection on a Redis client the context may have shut down, and
        // waited forever: a worker stopping after its broker hung its process on SIGTERM.
        assertThrows(BrokerUnavailableException.class, () -> client.dispatch("test.add", 3, 4));
        assertThrows(BrokerUnavailableException.class, broker::connect);
    }

    @Test
    void theScriptsAreCalledByTheDigestRedisGivesThem() {
        // A wrong digest would not fail a call (NOSCRIPT sends the whole script instead), only slow every one.
        String script = "return redis.call('PING')";
        assertEquals(broker.sync().scriptLoad(script), LuaScripts.sha1(script));
    }

    @Test
    void aRedisThatForgotTheScriptsIsSentThemAgain() {
        client.dispatch("test.add", 1, 2);
        // A restarted Redis, or one failed over to a replica that never loaded them, answers NOSCRIPT.
        broker.sync().scriptFlush();
        Dispatched after = client.dispatch("test.add", 3, 4);
        List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(2, leased.size());
        assertTrue(leased.stream().anyMatch(delivery -> delivery.id().equals(after.id())));
    }

    @Test
    void aDispatchedExecutionIsLeasedOnceWithAFencingToken() {
        Dispatched dispatched = client.dispatch("test.add", 1, 2);
        List<Delivery> first = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(1, first.size());
        assertEquals(dispatched.id(), first.getFirst().id());
        assertEquals(1, first.getFirst().deliveries());
        assertTrue(worker.lease(DEFAULT, 10, LEASE).deliveries().isEmpty());
        assertEquals(ExecutionStatus.RUNNING, broker.snapshot(dispatched.id()).orElseThrow().status());
    }

    @Test
    void higherPriorityIsLeasedFirstAndEqualPrioritiesInDispatchOrder() {
        UUID low1 = dispatch(request().withPriority(1)).id();
        UUID high = dispatch(request().withPriority(9)).id();
        UUID low2 = dispatch(request().withPriority(1)).id();
        UUID middle = dispatch(request().withPriority(5)).id();
        assertEquals(List.of(high, middle, low1, low2), ids(worker.lease(DEFAULT, 10, LEASE).deliveries()));
    }

    /**
     * A running execution's lease lapses only if its worker dies. A short-lived worker (a drain, with a fit) was told
     * to wait for it, so it never counted itself dry while anything of its queues ran elsewhere and ran to its
     * deadline; a long-lived worker is still told, since it is the one that takes a lapsed lease back.
     */
    @Test
    void aShortLivedWorkerIsNotToldToWaitForAnotherWorkersLease() {
        dispatch(request());
        assertEquals(1, worker.lease(DEFAULT, 10, LEASE).deliveries().size());
        BrokerConsumer.Fit oneMinute = new BrokerConsumer.Fit(Duration.ofMinutes(1), Duration.ofMinutes(1));
        try (BrokerConsumer drain = broker.consumer("worker-b")) {
            assertEquals(null, drain.lease(DEFAULT, 10, LEASE, oneMinute).nextDueIn(), "nothing is due for a drain");
            Duration longLived = drain.lease(DEFAULT, 10, LEASE).nextDueIn();
            assertTrue(longLived != null && longLived.compareTo(LEASE) <= 0, "the lease may lapse in " + longLived);
        }
    }

    /** A drain skipped what does not fit before asking whether it had expired: it stayed pending, never ended. */
    @Test
    void anExpiredExecutionThatWouldNotFitAShortLivedWorkerIsStillEndedByIt() {
        Instant expiry = Instant.now().plusMillis(50);
        UUID id = client.dispatch(DispatchRequest.of("test.slow", null).withExpires(expiry)).id(); // 600 s limit
        Await.until("its expiry passed", Duration.ofSeconds(5), () -> Instant.now().isAfter(expiry.plusMillis(5)));
        BrokerConsumer.Fit oneMinute = new BrokerConsumer.Fit(Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE, oneMinute).deliveries());
        assertEquals(ExecutionStatus.REVOKED, broker.snapshot(id).orElseThrow().status());
    }

    @Test
    void delayedWorkIsNotLeasedBeforeItIsDue() {
        Instant dispatchedAt = Instant.now();
        UUID id = dispatch(request().withCountdown(Duration.ofMillis(1500))).id();
        BrokerConsumer.LeaseBatch early = worker.lease(DEFAULT, 10, LEASE);
        assertTrue(early.deliveries().isEmpty());
        assertTrue(early.nextDueIn().toMillis() <= 1500, "next due in " + early.nextDueIn());
        Delivery delivery = Await.value("the delayed execution is leased", Duration.ofSeconds(5), () -> {
            List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
            return leased.isEmpty() ? null : leased.getFirst();
        });
        assertEquals(id, delivery.id());
        assertFalse(Instant.now().isBefore(dispatchedAt.plusMillis(1500)));
    }

    @Test
    void aLapsedLeaseIsDeliveredAgainAndTheZombieHolderIsRefused() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        Delivery zombie = worker.lease(DEFAULT, 1, Duration.ofMillis(200)).deliveries().getFirst();
        try (BrokerConsumer other = broker.consumer("worker-b")) {
            Delivery again = Await.value("the lapsed lease is handed on", Duration.ofSeconds(5), () -> {
                List<Delivery> leased = other.lease(DEFAULT, 1, LEASE).deliveries();
                return leased.isEmpty() ? null : leased.getFirst();
            });
            assertEquals(id, again.id());
            assertEquals(2, again.deliveries());
            assertNotEquals(zombie.token(), again.token());

            assertEquals(List.of(false), worker.settle(List.of(new Settlement(zombie.lease(),
                    new Outcome.Success("3")))));
            assertEquals(ExecutionStatus.RUNNING, broker.snapshot(id).orElseThrow().status());
            assertEquals(List.of(true), other.settle(List.of(new Settlement(again.lease(),
                    new Outcome.Success("3")))));
        }
        ExecutionSnapshot done = broker.snapshot(id).orElseThrow();
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals("3", done.resultJson());
        assertTrue(eventTypes(id).contains("stale"), "the refused report is recorded: " + eventTypes(id));
    }

    /**
     * A lease that lapses puts its execution back into its own queue at its place (ahead of what was dispatched
     * after it), and nothing else: an execution of the same queue waiting for a retry stays in its delayed set only.
     */
    @Test
    void aLapsedLeaseGoesBackToItsOwnQueueAtItsPlaceAndARetryWaitingForItsDelayStaysDelayed() {
        UUID retried = dispatch(request().withQueue("lapsing")).id();
        Delivery failing = worker.lease(List.of("lapsing"), 1, LEASE).deliveries().getFirst();
        assertEquals(retried, failing.id());
        assertEquals(List.of(true), worker.settle(List.of(new Settlement(failing.lease(),
                new Outcome.Retry(Duration.ofHours(1), "java.io.IOException", "boom", "")))));
        UUID lapsing = dispatch(request().withQueue("lapsing")).id();
        assertEquals(List.of(lapsing), ids(worker.lease(List.of("lapsing"), 1, Duration.ofMillis(200)).deliveries()));
        UUID behind; // in the lapsed one's partition: the order of two partitions' executions is not defined, and
        do {         // the ones dispatched on the way (in other partitions) are leased beside them
            behind = dispatch(request().withQueue("lapsing")).id();
        } while (broker.partitions().of(behind) != broker.partitions().of(lapsing));
        UUID elsewhere = dispatch(request().withQueue("elsewhere")).id();
        RedisKeys keys = broker.partitions().keys(lapsing);
        try (BrokerConsumer other = broker.consumer("worker-b")) {
            BrokerConsumer.LeaseBatch taken = Await.value("the lapsed lease is taken back", Duration.ofSeconds(5),
                    () -> {
                if (Instant.now().isBefore(broker.snapshot(lapsing).orElseThrow().startedAt().plusMillis(250))) {
                    return null;
                }
                return other.lease(List.of("lapsing"), 100, LEASE);
            });
            List<UUID> order = ids(taken.deliveries());
            assertTrue(order.contains(lapsing) && order.indexOf(lapsing) < order.indexOf(behind),
                    "back at its place, ahead of the later one: " + order);
            assertEquals(Map.of("lapsing", 1), taken.lapsed());
        }
        assertEquals(ExecutionStatus.RETRYING, broker.snapshot(retried).orElseThrow().status());
        RedisKeys retriedKeys = broker.partitions().keys(retried);
        assertEquals(null, broker.sync().zscore(retriedKeys.queue("lapsing", "ready"), retried.toString()));
        assertTrue(broker.sync().zscore(retriedKeys.queue("lapsing", "delayed"), retried.toString()) != null);
        assertEquals(null, broker.sync().zscore(keys.queue("elsewhere", "ready"), lapsing.toString()));
        assertEquals(List.of(elsewhere), ids(worker.lease(List.of("elsewhere"), 10, LEASE).deliveries()));
    }

    /**
     * An execution that expires while its queue is paused stays waiting until the resume (a paused queue's ready set
     * is not read), and the first lease after the resume ends it as expired, unrun, as a worker drops an expired
     * message it receives.
     */
    @Test
    void anExecutionThatExpiresWhileItsQueueIsPausedIsEndedAsExpiredByTheFirstLeaseAfterTheResumeAndNeverRuns() {
        QueueControl control = context.getBean(QueueControl.class);
        control.pause("default");
        UUID id = client.dispatch(DispatchRequest.of("test.short_lived", null)).id(); // expires after 0.2 s
        Await.until("its expiry passed", Duration.ofSeconds(2),
                () -> Instant.now().isAfter(broker.snapshot(id).orElseThrow().queuedAt().plusMillis(300)));
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries());
        assertEquals(ExecutionStatus.PENDING, broker.snapshot(id).orElseThrow().status(), "while the queue is paused");
        control.resume("default");
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries(), "never run");
        ExecutionSnapshot after = broker.snapshot(id).orElseThrow();
        assertEquals(ExecutionStatus.REVOKED, after.status());
        assertEquals("expired", after.reason());
        assertEquals(0, context.getBean(BrokerMonitor.class).queues().stream()
                .filter(queue -> queue.name().equals("default")).findFirst().orElseThrow().ready());
    }

    /**
     * A short-lived worker steps past a thousand executions that do not fit from the head, then a thousand more from
     * where the last such scan stopped: a task that fits, queued behind 2,500 that never fit a drain (a queue served
     * only by timer drains), is reached on the second call. A scan stopped at a thousand and never reached it, and
     * the drain reported itself done, every invocation.
     */
    @Test
    void aShortLivedWorkerReachesWorkThatFitsBehindThousandsThatDoNot() {
        List<DispatchRequest> slow = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            slow.add(DispatchRequest.of("test.slow", null).withQueue("clogged")); // a 600 s time limit
        }
        client.dispatchAll(slow);
        UUID fits = dispatch(request().withQueue("clogged")).id();
        BrokerConsumer.Fit oneMinute = new BrokerConsumer.Fit(Duration.ofMinutes(1), Duration.ofMinutes(1));
        List<UUID> leased = new ArrayList<>();
        int calls = 0;
        while (leased.isEmpty() && calls < 5) {
            calls++;
            leased.addAll(ids(worker.lease(List.of("clogged"), 10, LEASE, oneMinute).deliveries()));
        }
        assertEquals(List.of(fits), leased, "in five drain calls");
        if (broker.partitions().count() == 1) { // with more, the batch and the task that fits may be apart
            assertEquals(2, calls, "two thousand from the head, then a thousand from the mark: the second call");
        }
        assertEquals(List.of(), ids(worker.lease(List.of("clogged"), 10, LEASE, oneMinute).deliveries()),
                "nothing else fits");
        UUID atTheHead = dispatch(request().withQueue("clogged").withPriority(9)).id();
        assertEquals(List.of(atTheHead), ids(worker.lease(List.of("clogged"), 10, LEASE, oneMinute).deliveries()),
                "the head is read first, whatever the mark");
    }

    @Test
    void aLeaseAnswersHowLongEachExecutionWaitedSinceItBecameReadyNotSinceItsDispatch() throws InterruptedException {
        Instant before = Instant.now();
        UUID now = client.dispatch("test.add", 1, 2).id();
        UUID later = dispatch(request().withCountdown(Duration.ofMillis(1000))).id();
        Thread.sleep(300);
        Delivery first = worker.lease(DEFAULT, 10, LEASE).deliveries().getFirst();
        assertEquals(now, first.id());
        assertTrue(first.waitedMillis() >= 300, "waited since its dispatch: " + first.waitedMillis());

        Delivery due = Await.value("the delayed execution is leased", Duration.ofSeconds(5), () -> {
            List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
            return leased.isEmpty() ? null : leased.getFirst();
        });
        long sinceDispatch = Duration.between(before, Instant.now()).toMillis();
        assertEquals(later, due.id());
        // Counted from its due time: at most the time since the dispatch less the countdown (one clock, 5 ms slack).
        assertTrue(due.waitedMillis() >= 0 && due.waitedMillis() <= sinceDispatch - 1000 + 5,
                "waited " + due.waitedMillis() + " ms, " + sinceDispatch + " ms after the dispatch");
    }

    @Test
    void theLeaseCallThatTakesBackALapsedLeaseCountsItForItsQueueAndItsWaitStartsAtTheDeadline() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        worker.lease(DEFAULT, 1, Duration.ofMillis(200)).deliveries().getFirst();
        Instant deadline = Instant.now().plusMillis(200);
        try (BrokerConsumer other = broker.consumer("worker-b")) {
            BrokerConsumer.LeaseBatch taken = Await.value("the lapsed lease is handed on", Duration.ofSeconds(5),
                    () -> {
                        BrokerConsumer.LeaseBatch batch = other.lease(DEFAULT, 1, LEASE);
                        assertTrue(batch.deliveries().isEmpty() || !batch.lapsed().isEmpty(), batch.toString());
                        return batch.deliveries().isEmpty() ? null : batch;
                    });
            assertEquals(id, taken.deliveries().getFirst().id());
            assertEquals(Map.of("default", 1), taken.lapsed());
            long sinceDeadline = Duration.between(deadline, Instant.now()).toMillis();
            assertTrue(taken.deliveries().getFirst().waitedMillis() <= sinceDeadline + 5,
                    "waited since the lease lapsed, not since the dispatch: " + taken);
            assertEquals(Map.of(), other.lease(DEFAULT, 1, LEASE).lapsed(), "counted once");
        }
    }

    @Test
    void leasingALapsedExecutionByIdNamesTheQueueItsLeaseLapsedIn() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        BrokerConsumer.IdLease first = worker.leaseIds(List.of(id), Duration.ofMillis(200), BrokerConsumer.Fit.ANY)
                .getFirst();
        assertEquals(null, first.lapsedFrom());
        assertTrue(first.delivery().waitedMillis() >= 0, first.toString());
        try (BrokerConsumer other = broker.consumer("worker-b")) {
            BrokerConsumer.IdLease again = Await.value("the lapsed lease is taken back", Duration.ofSeconds(5), () -> {
                BrokerConsumer.IdLease found = other.leaseIds(List.of(id), LEASE, BrokerConsumer.Fit.ANY).getFirst();
                return found.code() == BrokerConsumer.IdLeaseCode.LEASED ? found : null;
            });
            assertEquals("default", again.lapsedFrom());
            assertEquals(2, again.delivery().deliveries());
        }
    }

    /**
     * Issue 8 item 6: Redis loses its last writes (AOF everysec, a failover to an async replica). The lease and
     * the fence counter roll back together; the execution is leased again. Its new token must differ from the
     * lost one, so the first holder's heartbeat learns it lost the lease and its report is refused as stale.
     */
    @Test
    void afterRedisLosesALeaseItsFirstHolderLearnsItLostItAndItsReportIsRefused() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        RedisKeys keys = broker.partitions().keys(id);
        String fenceBefore = broker.sync().get(keys.prefix() + "fence");
        Map<String, String> hashBefore = broker.sync().hgetall(keys.task(id));
        double score = broker.sync().zscore(keys.queue("default", "ready"), id.toString());
        Delivery first = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();

        // The state an AOF everysec loss leaves: the lease and the counter step never happened.
        broker.sync().zrem(keys.queue("default", "leased"), id.toString());
        broker.sync().zadd(keys.queue("default", "ready"), score, id.toString());
        broker.sync().del(keys.task(id));
        broker.sync().hset(keys.task(id), hashBefore);
        if (fenceBefore == null) {
            broker.sync().del(keys.prefix() + "fence");
        } else {
            broker.sync().set(keys.prefix() + "fence", fenceBefore);
        }

        try (BrokerConsumer other = broker.consumer("worker-b")) {
            Delivery second = other.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
            assertEquals(id, second.id());
            assertNotEquals(first.token(), second.token());

            HeartbeatReply reply = worker.heartbeat(List.of(first.lease()), LEASE, "{}", LEASE);
            assertEquals(java.util.Set.of(id), reply.lost());
            assertEquals(List.of(false), worker.settle(List.of(new Settlement(first.lease(),
                    new Outcome.Success("3")))));
            assertEquals(List.of(true), other.settle(List.of(new Settlement(second.lease(),
                    new Outcome.Success("3")))));
        }
        assertTrue(eventTypes(id).contains("stale"), "the refused report is recorded: " + eventTypes(id));
    }

    @Test
    void heartbeatsKeepALeaseFromLapsing() throws InterruptedException {
        client.dispatch("test.add", 1, 2);
        Duration shortLease = Duration.ofMillis(300);
        Delivery held = worker.lease(DEFAULT, 1, shortLease).deliveries().getFirst();
        try (BrokerConsumer other = broker.consumer("worker-b")) {
            for (int i = 0; i < 10; i++) {
                HeartbeatReply reply = worker.heartbeat(List.of(held.lease()), shortLease, "{}", LEASE);
                assertTrue(reply.lost().isEmpty() && reply.cancel().isEmpty());
                Thread.sleep(100);
                assertTrue(other.lease(DEFAULT, 1, LEASE).deliveries().isEmpty(), "leased twice at beat " + i);
            }
        }
    }

    @Test
    void aRevokedExecutionIsNeverLeasedEvenWhenRevokedWhileNoWorkerRuns() {
        UUID waiting = client.dispatch("test.add", 1, 2).id();
        UUID delayed = dispatch(request().withCountdown(Duration.ofMillis(100))).id();
        // Read before the lease calls: a lease call that meets the revoked execution once due ends it, and an ended
        // execution's snapshot carries no due time.
        Instant due = broker.snapshot(delayed).orElseThrow().eta();
        assertEquals(Revocation.REVOKED, client.revoke(waiting));
        assertEquals(Revocation.REVOKED, client.revoke(delayed));
        Await.until("the delay has passed", Duration.ofSeconds(2),
                () -> worker.lease(DEFAULT, 10, LEASE).deliveries().isEmpty()
                        && Instant.now().isAfter(due.plusMillis(50)));
        assertTrue(worker.lease(DEFAULT, 10, LEASE).deliveries().isEmpty());
        assertEquals(ExecutionStatus.REVOKED, broker.snapshot(waiting).orElseThrow().status());
        assertEquals(Revocation.ALREADY_FINISHED, client.revoke(waiting));
        assertEquals(Revocation.UNKNOWN, client.revoke(UUID.randomUUID()));
    }

    @Test
    void revokingARunningExecutionAsksItsWorkerToStopAtTheNextHeartbeat() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        Delivery running = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        assertEquals(Revocation.STOP_REQUESTED, client.revoke(id));
        HeartbeatReply reply = worker.heartbeat(List.of(running.lease()), LEASE, "{}", LEASE);
        assertEquals(java.util.Set.of(id), reply.cancel());
        worker.settle(List.of(new Settlement(running.lease(), new Outcome.Revoked("revoked"))));
        assertEquals(ExecutionStatus.REVOKED, broker.snapshot(id).orElseThrow().status());
    }

    /** It failed before its worker heard of the revoke: it ends revoked, not retrying for its whole backoff. */
    @Test
    void anExecutionRevokedWhileRunningThatAsksForARetryEndsRevoked() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        Delivery running = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        assertEquals(Revocation.STOP_REQUESTED, broker.revoke(id, "operator ada"));
        assertEquals(List.of(true), worker.settle(List.of(new Settlement(running.lease(),
                new Outcome.Retry(Duration.ofMinutes(10), "IllegalStateException", "flaky", "")))));
        ExecutionSnapshot snapshot = broker.snapshot(id).orElseThrow();
        assertEquals(ExecutionStatus.REVOKED, snapshot.status());
        assertEquals("operator ada", snapshot.reason());
        assertEquals(0, snapshot.retries());
    }

    @Test
    void anExecutionRevokedWhileRunningIsNotRunAgainWhenItsWorkerDies() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        worker.lease(DEFAULT, 1, Duration.ofMillis(200)).deliveries().getFirst();
        assertEquals(Revocation.STOP_REQUESTED, broker.revoke(id, "operator ada"));
        try (BrokerConsumer other = broker.consumer("worker-b")) {
            Await.until("the lapsed lease is taken back", Duration.ofSeconds(5), () ->
                    other.lease(DEFAULT, 1, LEASE).deliveries().isEmpty()
                            && broker.snapshot(id).orElseThrow().status() == ExecutionStatus.REVOKED);
        }
        assertEquals("operator ada", broker.snapshot(id).orElseThrow().reason());
    }

    @Test
    void anExecutionPastItsExpiryIsRevokedWithReasonExpiredInsteadOfRun() {
        UUID id = client.dispatch(DispatchRequest.of("test.short_lived", null)).id();
        Await.until("the expiry passed", Duration.ofSeconds(2),
                () -> Instant.now().isAfter(broker.snapshot(id).orElseThrow().queuedAt().plusMillis(300)));
        assertTrue(worker.lease(DEFAULT, 10, LEASE).deliveries().isEmpty());
        ExecutionSnapshot snapshot = broker.snapshot(id).orElseThrow();
        assertEquals(ExecutionStatus.REVOKED, snapshot.status());
        assertEquals("expired", snapshot.reason());
    }

    @Test
    void aSecondDispatchWithTheSameIdempotencyKeyReturnsTheFirstExecution() {
        Dispatched first = dispatch(request().withIdempotencyKey("invoice-42"));
        Dispatched second = dispatch(request().withIdempotencyKey("invoice-42"));
        assertEquals(first.id(), second.id());
        assertFalse(first.duplicate());
        assertTrue(second.duplicate());
        assertEquals(1, worker.lease(DEFAULT, 10, LEASE).deliveries().size());
    }

    @Test
    void aReleasedLeaseIsLeasedAgainAtOnce() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        Delivery delivery = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        worker.release(List.of(delivery.lease()));
        assertEquals(List.of(id), ids(worker.lease(DEFAULT, 1, LEASE).deliveries()));
    }

    @Test
    void aRetryWaitsForItsDelayThenRunsAgainWithTheRetryCounted() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        Delivery first = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        worker.settle(List.of(new Settlement(first.lease(),
                new Outcome.Retry(Duration.ofMillis(300), "java.io.IOException", "boom", "trace"))));
        assertEquals(ExecutionStatus.RETRYING, broker.snapshot(id).orElseThrow().status());
        assertTrue(worker.lease(DEFAULT, 1, LEASE).deliveries().isEmpty());
        Delivery second = Await.value("the retry is leased", Duration.ofSeconds(3), () -> {
            List<Delivery> leased = worker.lease(DEFAULT, 1, LEASE).deliveries();
            return leased.isEmpty() ? null : leased.getFirst();
        });
        assertEquals(1, second.retries());
        assertEquals(2, second.deliveries());
    }

    @Test
    void aPausedQueueTakesDispatchesAndLeasesNothingAcrossRestartsWhileOtherQueuesRunUntilItIsResumed() {
        context.getBean(QueueControl.class).pause("default");
        List<UUID> waiting = IntStream.range(0, 12).mapToObj(i -> client.dispatch("test.add", i, i).id()).toList();
        UUID other = dispatch(request().withQueue("other")).id();
        List<String> both = List.of("default", "other");
        assertEquals(List.of(other), ids(worker.lease(both, 100, LEASE).deliveries()));
        assertTrue(worker.leaseIds(waiting, LEASE, BrokerConsumer.Fit.ANY).stream()
                .allMatch(found -> found.code() == BrokerConsumer.IdLeaseCode.PAUSED), "leasing by id is refused too");

        Map<String, Object> sameNamespace = new HashMap<>(properties());
        sameNamespace.put(ChardSettings.NAMESPACE, context.getRequiredProperty(ChardSettings.NAMESPACE, String.class));
        try (ApplicationContext restarted = ApplicationContext.run(sameNamespace);
             BrokerConsumer another = restarted.getBean(RedisBroker.class).consumer("worker-b")) {
            assertTrue(another.lease(both, 100, LEASE).deliveries().isEmpty(), "still paused after a restart");
            BrokerMonitor.QueueDepth shown = restarted.getBean(BrokerMonitor.class).queues().stream()
                    .filter(queue -> queue.name().equals("default")).findFirst().orElseThrow();
            assertTrue(shown.paused());
            assertEquals(12, shown.ready());

            restarted.getBean(QueueControl.class).resume("default");
            assertEquals(Set.copyOf(waiting), Set.copyOf(ids(another.lease(both, 100, LEASE).deliveries())));
            assertFalse(context.getBean(BrokerMonitor.class).queues().stream().anyMatch(BrokerMonitor.QueueDepth::paused));
        }
    }

    @Test
    void aPurgeRevokesEveryWaitingExecutionOfTheQueueWithReasonPurgedAndLeavesRunningOnesAndOtherQueues() {
        List<UUID> waiting = new ArrayList<>(IntStream.range(0, 7)
                .mapToObj(i -> dispatch(request().withQueue("bulk")).id()).toList());
        waiting.add(dispatch(request().withQueue("bulk").withCountdown(Duration.ofMinutes(5))).id());
        UUID running = dispatch(request().withQueue("bulk")).id();
        // Lease the one dispatched last: purge leaves what runs.
        List<Delivery> leased = worker.leaseIds(List.of(running), LEASE, BrokerConsumer.Fit.ANY).stream()
                .map(BrokerConsumer.IdLease::delivery).toList();
        assertEquals(running, leased.getFirst().id());
        UUID elsewhere = client.dispatch("test.add", 1, 2).id();

        assertEquals(8, context.getBean(QueueControl.class).purge("bulk"));
        for (UUID id : waiting) {
            ExecutionSnapshot purged = broker.snapshot(id).orElseThrow();
            assertEquals(ExecutionStatus.REVOKED, purged.status());
            assertEquals("purged", purged.reason());
        }
        assertEquals(ExecutionStatus.RUNNING, broker.snapshot(running).orElseThrow().status());
        assertEquals(List.of(elsewhere), ids(worker.lease(List.of("bulk", "default"), 10, LEASE).deliveries()));
        assertEquals(0, context.getBean(QueueControl.class).purge("bulk"));
    }

    @Test
    void runNowMakesADelayedExecutionReadyOnceAndRecordsIt() {
        UUID id = dispatch(request().withCountdown(Duration.ofHours(1))).id();
        assertTrue(worker.lease(DEFAULT, 10, LEASE).deliveries().isEmpty());

        assertEquals(Promotion.Outcome.PROMOTED, client.promote(id, null).outcome());
        assertEquals(Promotion.Outcome.NOT_DELAYED, client.promote(id, null).outcome(), "a second click");

        assertEquals(List.of(id), ids(worker.lease(DEFAULT, 10, LEASE).deliveries()));
        assertEquals(Promotion.Outcome.NOT_DELAYED, client.promote(id, null).outcome(), "once it runs");
        assertEquals(List.of("enqueued", "promoted", "started"), eventTypes(id));
        assertEquals(Promotion.Outcome.UNKNOWN, client.promote(UUID.randomUUID(), null).outcome());
    }

    @Test
    void retryNowCutsShortOnlyTheBackoffTheOperatorSaw() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        Delivery first = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        worker.settle(List.of(new Settlement(first.lease(),
                new Outcome.Retry(Duration.ofHours(1), "java.io.IOException", "boom", "trace"))));

        assertEquals(Promotion.Outcome.LATER_ATTEMPT, client.promote(id, 0).outcome(), "seen before the retry");
        assertTrue(worker.lease(DEFAULT, 1, LEASE).deliveries().isEmpty());
        assertEquals(Promotion.Outcome.PROMOTED, client.promote(id, 1).outcome());
        Delivery second = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        assertEquals(1, second.retries());
        assertEquals(ExecutionStatus.RUNNING, broker.snapshot(id).orElseThrow().status());
    }

    /**
     * An expiry the dispatch accepts (from year 1 on) but at or before 1970 was sent as a zero or negative epoch
     * millisecond, which the scripts read as "never expires": the long expired execution ran, while one that
     * expired in 1971 was revoked.
     */
    @Test
    void anExecutionWhoseExpiryIsAtOrBeforeTheEpochIsRevokedAsExpiredNotRun() {
        UUID before = client.dispatch(request().withExpires(Instant.parse("1969-12-31T23:59:59Z"))).id();
        UUID at = client.dispatch(request().withExpires(Instant.EPOCH)).id();
        UUID after = client.dispatch(request().withExpires(Instant.parse("1971-01-01T00:00:00Z"))).id();
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries(), "expired executions were leased");
        for (UUID id : List.of(before, at, after)) {
            assertEquals(ExecutionStatus.REVOKED, broker.snapshot(id).orElseThrow().status());
        }
    }

    /**
     * A short-lived worker's lease of 4,500 slots meets 4,500 executions that do not fit. It popped them and put
     * them back in one ZADD, past what Lua's unpack takes: the script failed after its pop, and every popped
     * execution stayed pending in no queue, never leased again.
     */
    @Test
    void aLeaseOfManySlotsThatSkipsWhatDoesNotFitKeepsEveryOneInItsQueue() {
        int count = 4_500;
        List<DispatchRequest> slow = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            slow.add(DispatchRequest.of("test.slow", null)); // a 600 s time limit
        }
        List<UUID> ids = client.dispatchAll(slow).stream().map(Dispatched::id).toList();
        RedisKeys keys = broker.partitions().keys(ids.getFirst());
        BrokerConsumer.Fit oneMinute = new BrokerConsumer.Fit(Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertEquals(List.of(), worker.lease(DEFAULT, count, LEASE, oneMinute).deliveries());
        assertEquals(count, broker.sync().zcard(keys.queue("default", "ready")));
        assertEquals(count, worker.lease(DEFAULT, count, LEASE).deliveries().size(), "a long-lived worker takes all");
    }

    /**
     * Every key's tag depends on P, so raising it (as the configuration's comment allowed: "may grow, never shrink")
     * put an execution of partition 1 out of reach. The namespace keeps its first P, and a process with another
     * refuses to use it, naming both.
     */
    @Test
    void aProcessConfiguredWithOtherPartitionsThanItsNamespaceRefusesToUseIt() {
        Map<String, Object> two = new HashMap<>(TestRedis.properties());
        two.put(ChardSettings.PARTITIONS, 2);
        UUID waiting;
        try (ApplicationContext first = ApplicationContext.run(two)) {
            TaskClient twoClient = first.getBean(TaskClient.class);
            RedisBroker twoBroker = first.getBean(RedisBroker.class);
            do {
                waiting = twoClient.dispatch(request()).id();
            } while (twoBroker.partitions().of(waiting) != 1);
        }
        Map<String, Object> four = new HashMap<>(two);
        four.put(ChardSettings.PARTITIONS, 4);
        try (ApplicationContext grown = ApplicationContext.run(four)) {
            UUID id = waiting;
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> grown.getBean(RedisBroker.class).snapshot(id));
            assertTrue(refused.getMessage().contains("chard.partitions is 4") && refused.getMessage()
                    .contains("created with 2"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> grown.getBean(TaskClient.class).dispatch(request()));
        }
        try (ApplicationContext again = ApplicationContext.run(two)) {
            assertEquals(ExecutionStatus.PENDING, again.getBean(RedisBroker.class).snapshot(waiting).orElseThrow()
                    .status());
        }
    }

    @Test
    void everyTransitionAppendsAnEventInOrder() {
        UUID id = client.dispatch("test.add", 1, 2).id();
        Delivery delivery = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        worker.progress(delivery.lease(), 50, "half");
        worker.settle(List.of(new Settlement(delivery.lease(), new Outcome.Failure("E", "m", "t"))));
        assertEquals(List.of("enqueued", "started", "progress", "failed"), eventTypes(id));
    }

    @Test
    void theWorkerRegistryHoldsEachLiveWorkerUntilItDeregisters() {
        worker.heartbeat(List.of(), LEASE, "{\"id\":\"worker-a\"}", LEASE);
        RedisKeys keys = broker.keys();
        assertEquals("{\"id\":\"worker-a\"}", broker.sync().get(keys.worker("worker-a")));
        assertTrue(broker.sync().zscore(keys.workers(), "worker-a") != null);
        worker.deregister();
        assertEquals(null, broker.sync().get(keys.worker("worker-a")));
    }

    /**
     * The registry entry lives three heartbeats (docs/architecture.md, data model: "TTL 3 heartbeats"). A worker with a
     * 2 s lease beats every 666 ms and asks for 1,998 ms; the TTL was cut to whole seconds, 1 s: a beat 334 ms late
     * (a GC pause, a slow call) took a live worker off the workers page.
     */
    @Test
    void theRegistryEntryLivesTheWholeTtlTheWorkerAsksForNotItsWholeSecondsOnly() {
        worker.heartbeat(List.of(), Duration.ofSeconds(2), "{\"id\":\"worker-a\"}", Duration.ofMillis(1998));
        long pttl = broker.sync().pttl(broker.keys().worker("worker-a"));
        assertTrue(pttl > 1_500, "three heartbeats of 666 ms asked for, the entry lives " + pttl + " ms");
    }

    @Test
    void workDispatchedWhileAWorkerWaitsIsLeasedByTheWait() throws Exception {
        try (ExecutorService waiter = Executors.newSingleThreadExecutor()) {
            Future<BrokerConsumer.LeaseBatch> waiting = waiter.submit(
                    () -> worker.awaitThenLease(DEFAULT, 10, LEASE, BrokerConsumer.Fit.ANY, waitOnEach(5)));
            UUID id = dispatchIntoFirstPartition();
            List<Delivery> leased = waiting.get(1, TimeUnit.MINUTES).deliveries();
            assertEquals(List.of(id), ids(leased));
            assertEquals(List.of(true), worker.settle(List.of(new Settlement(leased.getFirst().lease(),
                    new Outcome.Success("3")))));
        }
    }

    @Test
    void aWaitNothingWakesStillLeasesWhatFellDueWhileItWaited() {
        UUID id = dispatch(request().withCountdown(Duration.ofSeconds(1))).id();
        broker.sync().del(broker.partitions().keys(broker.partitions().of(id)).wake("default"));
        Duration untilDue = Duration.between(Instant.now(), broker.snapshot(id).orElseThrow().eta());
        // Each partition is waited on for its share, which outlasts the delay: the wait on the execution's own
        // partition times out after it fell due, and the lease behind it finds it.
        Duration wait = untilDue.plusMillis(500).multipliedBy(broker.partitions().count());
        assertEquals(List.of(id), ids(worker.awaitThenLease(DEFAULT, 10, LEASE, BrokerConsumer.Fit.ANY, wait)
                .deliveries()));
    }

    @Test
    void aWakeThatLeasesNothingStillLeasesWhatWaitsInTheOtherPartitions() {
        // On a cluster the work waits outside partition 0, the first a new worker waits on, and a marker with no
        // work behind it wakes that wait; steady wakes like it must not keep the other partitions unserved.
        UUID id = dispatch(request()).id();
        while (broker.partitions().count() > 1 && broker.partitions().of(id) == 0) {
            client.revoke(id);
            id = dispatch(request()).id();
        }
        broker.sync().lpush(broker.partitions().keys(0).wake("default"), "1");
        assertEquals(List.of(id), ids(worker.awaitThenLease(DEFAULT, 10, LEASE, BrokerConsumer.Fit.ANY,
                waitOnEach(5)).deliveries()));
    }

    @Test
    void aWaitLeasesWhenRedisHasForgottenTheLeaseScript() {
        UUID id = dispatchIntoFirstPartition();
        broker.sync().scriptFlush();
        assertEquals(List.of(id), ids(worker.awaitThenLease(DEFAULT, 10, LEASE, BrokerConsumer.Fit.ANY,
                waitOnEach(5)).deliveries()));
    }

    @Test
    void theStartsOfOneLeaseCallAreOneEntryThatTheStreamReadsAsOneEventPerExecution() {
        List<UUID> three = ids(leasedInFirstPartition(3));
        assertEquals(List.of(new Entry("started", Set.copyOf(three))),
                entriesAbout(three).stream().filter(e -> e.type().equals("started")).toList());
        assertEquals(Map.of(three.get(0), List.of("enqueued", "started"), three.get(1), List.of("enqueued", "started"),
                three.get(2), List.of("enqueued", "started")), eventTypes(three));
    }

    @Test
    void anUnlikeEventBetweenAlikeOnesEndsTheirEntrySoEntriesKeepTheOrderOfEvents() {
        List<Delivery> leased = leasedInFirstPartition(3);
        List<UUID> three = ids(leased);
        assertEquals(List.of(true, true, true), worker.settle(List.of(
                new Settlement(leased.get(0).lease(), new Outcome.Success("null")),
                new Settlement(leased.get(1).lease(), new Outcome.Failure("E", "boom", "")),
                new Settlement(leased.get(2).lease(), new Outcome.Success("null")))));
        assertEquals(List.of(new Entry("succeeded", Set.of(three.get(0))), new Entry("failed", Set.of(three.get(1))),
                        new Entry("succeeded", Set.of(three.get(2)))),
                entriesAbout(three).stream().filter(e -> !e.type().equals("enqueued") && !e.type().equals("started"))
                        .toList());
        assertEquals(List.of("enqueued", "started", "succeeded"), eventTypes(three.get(2)));
    }

    @Test
    void aReadOfEntriesThatEachStandForManyExecutionsBringsAboutTheEventsAskedFor() {
        RedisKeys keys = broker.partitions().keys(Partitions.newId(System.currentTimeMillis(), 0));
        try (EventStream before = new RedisEventStream(broker, keys, "test-before")) {
            while (!before.read(1_000, Duration.ZERO).isEmpty()) {
                // what the test's set-up dispatched: the group's reads start after it
            }
        }
        xaddHeartbeats(keys, 10, 50);
        try (EventStream events = new RedisEventStream(broker, keys, "test-reader")) {
            // The first read asks for entries as if each were one event, and learns that they list ten.
            assertEquals(400, events.read(40, Duration.ZERO).size());
            assertEquals(40, events.read(40, Duration.ZERO).size());
            assertEquals(60, events.read(1_000, Duration.ZERO).size());
            assertTrue(events.read(1_000, Duration.ZERO).isEmpty());
        }
    }

    /** Appends {@code entries} heartbeat entries, each listing {@code executions} (of partition 0). */
    private void xaddHeartbeats(RedisKeys keys, int executions, int entries) {
        for (int entry = 0; entry < entries; entry++) {
            List<String> listed = IntStream.range(0, executions)
                    .mapToObj(i -> Partitions.newId(System.currentTimeMillis(), 0).toString()).toList();
            broker.sync().xadd(keys.events(), Map.of("type", "heartbeat", "id", listed.getFirst(),
                    "ids", String.join(",", listed), "heartbeat", "1"));
        }
    }

    /** One stream entry as the tests here see it: its type and those of the executions asked about it names. */
    private record Entry(String type, Set<UUID> executions) {
    }

    /** The entries of the stream of {@code ids}' partition (all in one) that name any of them, in stream order. */
    private List<Entry> entriesAbout(List<UUID> ids) {
        String stream = broker.partitions().keys(ids.getFirst()).events();
        return broker.sync().xrange(stream, io.lettuce.core.Range.create("-", "+")).stream().map(message -> {
            Map<String, String> body = message.getBody();
            Set<UUID> named = new java.util.HashSet<>();
            for (String id : body.getOrDefault("ids", body.get("id")).split(",")) {
                if (ids.contains(UUID.fromString(id))) {
                    named.add(UUID.fromString(id));
                }
            }
            return new Entry(body.get("type"), named);
        }).filter(entry -> !entry.executions().isEmpty()).toList();
    }

    /**
     * {@code count} executions dispatched into partition 0 and leased by this test's worker in one call (with any
     * dispatched elsewhere meanwhile): their deliveries, in dispatch order.
     */
    private List<Delivery> leasedInFirstPartition(int count) {
        List<UUID> ids = IntStream.range(0, count).mapToObj(i -> dispatchIntoFirstPartition()).toList();
        Map<UUID, Delivery> leased = new HashMap<>();
        worker.lease(DEFAULT, 100, LEASE).deliveries().forEach(delivery -> leased.put(delivery.id(), delivery));
        return ids.stream().map(id -> java.util.Objects.requireNonNull(leased.get(id), "not leased: " + id)).toList();
    }

    private Duration waitOnEach(int seconds) {
        return Duration.ofSeconds((long) seconds * broker.partitions().count());
    }

    /**
     * Dispatches until an execution lands in partition 0, the one a new consumer waits on first (those that land
     * elsewhere stay queued there); one Redis has only partition 0.
     */
    private UUID dispatchIntoFirstPartition() {
        UUID id;
        do {
            id = dispatch(request()).id();
        } while (broker.partitions().of(id) != 0);
        return id;
    }

    private List<String> eventTypes(UUID id) {
        return eventTypes(List.of(id)).getOrDefault(id, List.of());
    }

    /** The types of the events of each of {@code ids}, read once through the group (a second read gets none). */
    private Map<UUID, List<String>> eventTypes(List<UUID> ids) {
        try (EventStream stream = broker.eventStream("test-" + UUID.randomUUID())) {
            stream.rewind();
            Map<UUID, List<String>> types = new HashMap<>();
            List<BrokerEvent> batch;
            while (!(batch = stream.read(1000, Duration.ofMillis(10))).isEmpty()) {
                batch.stream().filter(e -> ids.contains(e.id()))
                        .forEach(e -> types.computeIfAbsent(e.id(), id -> new ArrayList<>()).add(e.type()));
                stream.acknowledge(batch);
            }
            return types;
        }
    }

    private DispatchRequest request() {
        JsonNode args = client.toJson(List.of(1, 2));
        return DispatchRequest.of("test.add", args);
    }

    private Dispatched dispatch(DispatchRequest request) {
        return client.dispatch(request);
    }

    private static List<UUID> ids(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::id).toList();
    }
}
