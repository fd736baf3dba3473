package io.chard.worker;

import io.chard.config.ChardSettings;
import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Envelope;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Partitions;
import io.chard.broker.QueueControl;
import io.chard.broker.RedisBroker;
import io.chard.client.TaskClient;
import io.chard.client.TaskDefaults;
import io.chard.task.TaskOutcomes;
import io.chard.testing.Await;
import io.chard.testing.TcpProxy;
import io.chard.testing.TestRedis;
import io.chard.worker.metrics.WorkerMetrics;
import io.lettuce.core.RedisClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker runtime against a real Redis: outcomes, retries, time limits, revokes, leases, shutdown. */
class WorkerTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    ApplicationContext context;
    TaskClient client;
    Broker broker;

    private void startWorker(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_CONCURRENCY, 4);
        properties.putAll(overrides);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        broker = context.getBean(Broker.class);
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aDispatchedTaskRunsAndItsResultIsKept() {
        startWorker(Map.of());
        ExecutionSnapshot done = finished(client.dispatch("w.add", 2, 3).id());
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals("5", done.resultJson());
        assertEquals(1, done.deliveries());
        assertEquals(context.getBean(Worker.class).id(), done.worker());
        assertTrue(done.startedAt() != null && done.finishedAt() != null);
    }

    /**
     * A progress step longer than the history's 200 characters is cut there, but not between the two halves of a
     * character outside the BMP: the lone half went to Redis as '?'.
     */
    @Test
    void aLongProgressStepIsCutBeforeACharacterItWouldSplit() {
        startWorker(Map.of());
        String step = "x".repeat(199) + "\uD83D\uDE00 and more";
        UUID id = client.dispatch("w.progress", step).id();
        assertEquals(ExecutionStatus.SUCCESS, finished(id).status());
        RedisClient redis = RedisClient.create(TestRedis.uri());
        try (var connection = redis.connect()) {
            String namespace = context.getRequiredProperty(ChardSettings.NAMESPACE, String.class);
            String key = new Partitions(namespace, 1).keys(id).task(id);
            assertEquals("x".repeat(199), connection.sync().hget(key, "step"));
        } finally {
            redis.shutdown();
        }
    }

    /**
     * A task asks for a retry with a countdown longer than a long of milliseconds holds: the settler's
     * {@code Duration.toMillis()} overflowed, the whole batch was logged and dropped, and the execution (and any
     * outcome in its batch) stayed running until its lease lapsed, then ran again, for ever.
     */
    @Test
    void aRetryWithACountdownBeyondMillisecondsIsSettledNotDroppedAndRunAgain() throws Exception {
        startWorker(Map.of(ChardSettings.LEASE_DURATION, "900ms"));
        int before = WorkerTestTasks.foreverRuns.get();
        UUID id = client.dispatch("w.retry_forever").id();
        Await.until("it ran once", WAIT, () -> WorkerTestTasks.foreverRuns.get() > before);
        Thread.sleep(3_000); // more than three leases
        ExecutionSnapshot now = broker.snapshot(id).orElseThrow();
        assertEquals(1, WorkerTestTasks.foreverRuns.get() - before, "runs of the task body; state " + now.status()
                + ", deliveries " + now.deliveries());
        assertEquals(ExecutionStatus.RETRYING, now.status());
        assertEquals(1, now.retries());
    }

    /**
     * A drain with one run slot leases an execution ahead (the prefetch) and judges its fit by the time left now,
     * not by when a run slot frees: two executions whose 2 s hard limit each fit the 3 s left are both leased; the
     * second starts after the first (1.6 s in), is cut at the deadline 1.4 s into its run, and given back, its body
     * having run half way, to run again in full elsewhere.
     */
    @Test
    void aDrainDoesNotStartAnExecutionPrefetchedBehindABusySlotThatCanNoLongerFinishBeforeItsDeadline()
            throws Exception {
        startWorker(Map.of(ChardSettings.WORKER_ENABLED, false, ChardSettings.WORKER_CONCURRENCY, 1));
        Worker worker = context.getBean(Worker.class);
        String first = "first-" + UUID.randomUUID();
        String second = "second-" + UUID.randomUUID();
        client.dispatch("w.limited_run", first);
        UUID secondId = client.dispatch("w.limited_run", second).id();
        DrainReport report = worker.drain(Instant.now().plusMillis(3_000), Duration.ofSeconds(1));
        assertTrue(WorkerTestTasks.limitedEnded.contains(first), report.summary());
        assertEquals(ExecutionStatus.PENDING, broker.snapshot(secondId).orElseThrow().status(), "given back unstarted");
        assertTrue(!WorkerTestTasks.limitedStarted.contains(second), "its body did not run");
        assertEquals(0, report.givenBack(), report.summary() + "; second started: "
                + WorkerTestTasks.limitedStarted.contains(second) + ", ended: "
                + WorkerTestTasks.limitedEnded.contains(second)
                + ", now " + broker.snapshot(secondId).orElseThrow().status());
    }

    /** As the timer drain, a drain of named ids (a queue trigger's batch) starts only what still fits its deadline. */
    @Test
    void aDrainOfNamedIdsDoesNotStartAnExecutionThatCanNoLongerFinishBeforeItsDeadline() throws Exception {
        startWorker(Map.of(ChardSettings.WORKER_ENABLED, false, ChardSettings.WORKER_CONCURRENCY, 1));
        Worker worker = context.getBean(Worker.class);
        String first = "first-" + UUID.randomUUID();
        String second = "second-" + UUID.randomUUID();
        UUID firstId = client.dispatch("w.limited_run", first).id();
        UUID secondId = client.dispatch("w.limited_run", second).id();
        DrainReport report = worker.drainIds(List.of(firstId, secondId), Instant.now().plusMillis(3_000),
                Duration.ofSeconds(1));
        assertTrue(WorkerTestTasks.limitedEnded.contains(first), report.summary());
        assertEquals(ExecutionStatus.PENDING, broker.snapshot(secondId).orElseThrow().status(), report.summary());
        assertTrue(!WorkerTestTasks.limitedStarted.contains(second), "its body did not run");
    }

    /** The error's getMessage() throws: the execution still fails, instead of running (its lease renewed) for ever. */
    @Test
    void aTaskWhoseErrorCannotTellItsMessageStillFails() {
        startWorker(Map.of());
        ExecutionSnapshot done = finished(client.dispatch("w.poisoned_error").id());
        assertEquals(ExecutionStatus.FAILED, done.status());
        assertTrue(done.message().contains("getMessage() threw java.lang.UnsupportedOperationException"),
                done.message());
    }

    @Test
    void aTaskReturningNothingSucceedsWithANullResult() {
        startWorker(Map.of());
        ExecutionSnapshot done = finished(client.dispatch("w.nothing").id());
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals("null", done.resultJson());
    }

    @Test
    void retryableErrorsAreRetriedWithBackoffUntilTheTaskSucceeds() {
        startWorker(Map.of());
        ExecutionSnapshot done = finished(client.dispatch("w.flaky", 2).id());
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals("3", done.resultJson());
        assertEquals(2, done.retries());
        assertEquals(3, done.deliveries());
    }

    @Test
    void retriesStopAtMaxRetriesAndTheExecutionFailsWithTheLastError() {
        startWorker(Map.of());
        ExecutionSnapshot done = finished(client.dispatch("w.flaky", 100).id());
        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals(5, done.retries());
        assertEquals("java.lang.IllegalStateException", done.exceptionType());
    }

    @Test
    void aTaskDeclaringNoRetryLimitStopsAtTheStoredMaxRetriesWhichWinsOverTheWorkersConfiguration() {
        startWorker(Map.of(ChardSettings.MAX_RETRIES, 4));
        assertEquals(4, finished(client.dispatch("w.flaky_default_retries", 100).id()).retries(),
                "no stored copy yet: the worker's own chard.max-retries");
        // As admin-api's SettingsMirror writes it; the worker reads it again within TaskDefaults' refresh.
        ((RedisBroker) broker).copyStoredSettings(Map.of(TaskDefaults.MAX_RETRIES, "1"));
        ExecutionSnapshot done = Await.value("the stored limit holds", WAIT, () -> {
            ExecutionSnapshot run = finished(client.dispatch("w.flaky_default_retries", 100).id());
            return run.retries() == 1 ? run : null;
        });
        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals(5, finished(client.dispatch("w.flaky", 100).id()).retries(), "a declared limit wins");
    }

    @Test
    void aNonRetryableErrorFailsAtOnceWithItsTypeMessageAndTraceback() {
        startWorker(Map.of());
        ExecutionSnapshot done = finished(client.dispatch("w.fail", "no such order").id());
        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals(0, done.retries());
        assertEquals("java.lang.UnsupportedOperationException", done.exceptionType());
        assertEquals("no such order", done.message());
        assertTrue(done.traceback().contains("WorkerTestTasks.fail"), done.traceback());
    }

    @Test
    void aRetryRequestedThroughTheContextRunsAgainAndStopsAtMaxRetries() {
        startWorker(Map.of());
        ExecutionSnapshot retried = finished(client.dispatch("w.retry_once").id());
        assertEquals(ExecutionStatus.SUCCESS, retried.status());
        assertEquals("2", retried.resultJson());
        ExecutionSnapshot exhausted = finished(client.dispatch("w.always_retry").id());
        assertEquals(ExecutionStatus.FAILED, exhausted.status());
        assertEquals(TaskOutcomes.MAX_RETRIES, exhausted.exceptionType());
    }

    @Test
    void poisonMessagesFailWithTheirReasonAndTheWorkerKeepsWorking() {
        startWorker(Map.of());
        UUID unreadable = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        UUID unbound = UUID.randomUUID();
        broker.enqueue(List.of(
                new Envelope.Encoded(envelope(unreadable, "w.add", null), "{not json"),
                encoded(envelope(unknown, "w.nope", null)),
                encoded(envelope(unbound, "w.add", client.toJson(List.of("x", "y"))))));
        assertEquals(TaskInvoker.POISON, finished(unreadable).exceptionType());
        assertEquals(TaskInvoker.UNKNOWN_TASK, finished(unknown).exceptionType());
        ExecutionSnapshot badArguments = finished(unbound);
        assertEquals(TaskInvoker.BAD_ARGUMENTS, badArguments.exceptionType());
        assertTrue(badArguments.message().contains("'a'"), badArguments.message());
        assertEquals(ExecutionStatus.SUCCESS, finished(client.dispatch("w.add", 1, 1).id()).status());
    }

    @Test
    void theHardTimeLimitFailsTheExecutionAndFreesItsSlotEvenIfTheCodeIgnoresInterrupts() {
        startWorker(Map.of(ChardSettings.WORKER_CONCURRENCY, 1));
        UUID stubborn = client.dispatch("w.stubborn", 5).id();
        ExecutionSnapshot failed = finished(stubborn);
        assertEquals("TimeLimitExceeded", failed.exceptionType());
        Instant failedAt = failed.finishedAt();
        ExecutionSnapshot next = finished(client.dispatch("w.add", 1, 1).id());
        assertEquals(ExecutionStatus.SUCCESS, next.status());
        assertTrue(next.startedAt().isBefore(failedAt.plusSeconds(3)),
                "the only slot was freed while the stubborn code still spun");
    }

    @Test
    void finishedExecutionsLeaveNoTimeLimitTimerBehind() {
        startWorker(Map.of());
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(client.dispatch("w.limited", i).id());
        }
        ids.forEach(id -> assertEquals(ExecutionStatus.SUCCESS, finished(id).status()));
        assertEquals(0, context.getBean(Worker.class).pendingTimers(),
                "a cancelled timer would keep its execution for the 60 s of its limit");
    }

    @Test
    void theSoftTimeLimitInterruptsTheTask() {
        startWorker(Map.of());
        ExecutionSnapshot failed = finished(client.dispatch("w.soft", 10).id());
        assertEquals(TaskInvoker.SOFT_TIME_LIMIT, failed.exceptionType());
    }

    @Test
    void revokingARunningTaskStopsItAtTheNextHeartbeat() {
        startWorker(Map.of(ChardSettings.LEASE_DURATION, "600ms"));
        UUID id = client.dispatch("w.cancellable").id();
        Await.until("it runs", WAIT, () -> status(id) == ExecutionStatus.RUNNING);
        client.revoke(id);
        ExecutionSnapshot done = finished(id);
        assertEquals(ExecutionStatus.REVOKED, done.status());
    }

    @Test
    void aTaskRunningLongerThanItsLeaseIsDeliveredOnlyOnce() {
        startWorker(Map.of(ChardSettings.LEASE_DURATION, "900ms"));
        ExecutionSnapshot done = finished(client.dispatch("w.sleep", 3).id());
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals(1, done.deliveries());
    }

    @Test
    void aStoppingWorkerGivesUnfinishedLeasesBackForAnotherWorker() {
        startWorker(Map.of(ChardSettings.WORKER_SHUTDOWN_GRACE, "200ms"));
        UUID id = client.dispatch("w.sleep", 30).id();
        Await.until("it runs", WAIT, () -> status(id) == ExecutionStatus.RUNNING);
        context.getBean(Worker.class).stop();
        assertEquals(ExecutionStatus.PENDING, status(id));
        try (BrokerConsumer other = ((RedisBroker) broker).consumer("other")) {
            assertEquals(id, other.lease(List.of("default"), 1, Duration.ofSeconds(30)).deliveries().getFirst().id());
        }
    }

    @Test
    void aWorkerRidesOutARedisOutageAndEveryTaskStillSucceedsOnce() throws Exception {
        URI redis = URI.create(TestRedis.uri());
        try (TcpProxy proxy = new TcpProxy(redis.getHost(), redis.getPort())) {
            startWorker(Map.of(ChardSettings.REDIS_URI, "redis://127.0.0.1:" + proxy.port(), ChardSettings.WORKER_CONCURRENCY, 1));
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(client.dispatch("w.sleep", 0.3).id());
            }
            Await.until("the first runs", WAIT, () -> status(ids.getFirst()) == ExecutionStatus.RUNNING);
            proxy.cut();
            Thread.sleep(2_000);
            proxy.restore();
            for (UUID id : ids) {
                ExecutionSnapshot done = finished(id);
                assertEquals(ExecutionStatus.SUCCESS, done.status());
                assertEquals(1, done.deliveries());
            }
        }
    }

    @Test
    void pausingAQueueStopsItsLeasingWithinASecondAndResumingStartsItAgain() throws InterruptedException {
        // Nothing leased ahead: with a prefetch of 64 the worker's first two lease calls took all 120 executions
        // before the pause, which is what prefetch means and not what this test is about.
        startWorker(Map.of(ChardSettings.WORKER_PREFETCH, 0));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ids.add(client.dispatch("w.sleep", 0.05).id());
        }
        Await.until("the queue is being worked", WAIT, () -> started(ids) >= 8);
        context.getBean(QueueControl.class).pause("default");
        Thread.sleep(1_000);
        long oneSecondAfterThePause = started(ids);
        Thread.sleep(1_500);
        assertEquals(oneSecondAfterThePause, started(ids), "nothing leased from a second after the pause on");
        assertTrue(oneSecondAfterThePause < ids.size(), "the pause came before the queue ran dry");

        context.getBean(QueueControl.class).resume("default");
        for (UUID id : ids) {
            assertEquals(ExecutionStatus.SUCCESS, finished(id).status());
        }
    }

    /**
     * Under tasks of 200 ms a worker finishes 10 a second with two run slots: its prefetch, what it finishes in 10
     * ms, is one. It starts with two ahead (one per run slot) and never leases the queue's backlog into itself,
     * where another worker could not take it, as a fixed prefetch of the setting's 256 would; once its first tasks
     * ended it follows one ahead, where a fixed prefetch of two would keep two.
     */
    @Test
    void aWorkerOfLongTasksLeasesOnlyAFewAheadOfItsRunSlots() throws InterruptedException {
        startWorker(Map.of(ChardSettings.WORKER_CONCURRENCY, 2));
        WorkerMetrics metrics = context.getBean(WorkerMetrics.class);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(client.dispatch("w.sleep", 0.2).id());
        }
        Await.until("the queue is being worked", WAIT, () -> started(ids) >= 2);
        long mostHeld = 0;
        Set<String> prefetchOnceTasksEnded = new TreeSet<>();
        for (int look = 0; look < 30; look++) {
            mostHeld = Math.max(mostHeld, ids.stream().filter(id -> status(id) == ExecutionStatus.RUNNING).count());
            if (ids.stream().filter(id -> status(id) == ExecutionStatus.SUCCESS).count() >= 4) {
                metrics.scrape().lines().filter(line -> line.startsWith("chard_worker_prefetch "))
                        .forEach(prefetchOnceTasksEnded::add);
            }
            Thread.sleep(50);
        }
        // Two run slots and two ahead; Redis may still show as running up to two that ended and wait to be settled.
        assertTrue(mostHeld >= 2 && mostHeld <= 6, "held at most two run slots, two ahead: " + mostHeld);
        assertEquals(Set.of("chard_worker_prefetch 1.0"), prefetchOnceTasksEnded);
        for (UUID id : ids) {
            assertEquals(ExecutionStatus.SUCCESS, finished(id).status());
        }
    }

    /**
     * A function instance's worker is built at its cold start, and its first drain comes later: nothing ended
     * before it, and that says nothing of the work's pace, so the drain starts one ahead per run slot.
     */
    @Test
    void aDrainComingLongAfterTheStartLeasesOneAheadPerRunSlotAtFirst() throws Exception {
        startWorker(Map.of(ChardSettings.WORKER_ENABLED, false, ChardSettings.WORKER_CONCURRENCY, 2));
        Worker worker = context.getBean(Worker.class);
        Thread.sleep(100); // the rest of the cold start, or the wait for the first invocation
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(client.dispatch("w.sleep", 1.0).id());
        }
        Thread drain = Thread.ofVirtual().start(
                () -> worker.drain(Instant.now().plusMillis(2500), Duration.ofMillis(1500)));
        Await.until("the first round leased", WAIT, () -> started(ids) >= 2);
        Thread.sleep(300); // nothing ends before a second
        long leased = started(ids);
        drain.join();
        assertEquals(4, leased, "two run slots and two ahead, as a worker starts");
    }

    /**
     * An error whose getMessage() recurses through toString() throws a StackOverflowError while the worker reads its
     * message: TaskOutcomes catches only RuntimeExceptions, so the Error escapes the invoker and the execution's
     * thread, the execution is never finished nor settled, and its lease is renewed for ever: running for good, its
     * run slot held.
     */
    @Test
    void aTaskWhoseErrorsMessageOverflowsTheStackStillFailsAndFreesItsSlot() {
        startWorker(Map.of(ChardSettings.WORKER_CONCURRENCY, 1, ChardSettings.LEASE_DURATION, "900ms"));
        ExecutionSnapshot done = finished(client.dispatch("w.self_describing_error").id());
        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals(ExecutionStatus.SUCCESS, finished(client.dispatch("w.add", 1, 1).id()).status(),
                "the only run slot is free again");
    }

    /**
     * A stopping worker gives back at once what it leased ahead and has not started: with one run slot, B waits
     * (prefetched) behind A. Stopped with a 3 s grace, the worker started B once A ended 1 s into the grace, cut it
     * at the grace's end half way and gave it back then: B's body ran twice (here and on the next worker) and
     * waited the whole grace before another worker could start it.
     */
    @Test
    void aStoppingWorkerGivesBackAtOnceWhatItLeasedAheadAndDoesNotStartItInTheGrace() throws Exception {
        startWorker(Map.of(ChardSettings.WORKER_CONCURRENCY, 1, ChardSettings.WORKER_SHUTDOWN_GRACE, "3s"));
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        UUID first = client.dispatch("w.sleep_labelled", a, 1.2).id();
        // B only once A's body holds the one run slot: leased together, either could have taken it first.
        Await.until("A runs", WAIT, () -> WorkerTestTasks.sleepStarts.containsKey(a));
        UUID second = client.dispatch("w.sleep_labelled", b, 4.0).id();
        Await.until("B is leased ahead", WAIT, () -> status(second) == ExecutionStatus.RUNNING);
        Worker worker = context.getBean(Worker.class);
        Thread stopping = Thread.ofVirtual().start(worker::stop);
        Thread.sleep(500);
        ExecutionStatus secondHalfASecondIntoTheStop = status(second);
        stopping.join();
        assertEquals(ExecutionStatus.SUCCESS, status(first), "A finished within the grace");
        assertEquals(0, WorkerTestTasks.sleepStarts.getOrDefault(b, new java.util.concurrent.atomic.AtomicInteger())
                .get(), "B's body never started on the stopping worker");
        assertEquals(ExecutionStatus.PENDING, secondHalfASecondIntoTheStop,
                "B, never started, was given back for another worker as the stop began");
    }

    /**
     * Leased ahead of its run slot (the prefetch) before its expiry, B waits behind A and gets the slot after its
     * {@code expires}: the worker does not know the expiry (the lease script alone checks it) and runs B anyway,
     * though an execution whose expires passed before it started must not run (revoked, reason expired), as
     * Celery's worker checks again right before it executes.
     */
    @Test
    void anExecutionLeasedAheadThatExpiresWhileWaitingForARunSlotIsNotRun() {
        startWorker(Map.of(ChardSettings.WORKER_CONCURRENCY, 1));
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        UUID first = client.dispatch("w.sleep_labelled", a, 2.5).id();
        // B only once A's body holds the one run slot: leased together, either could have taken it first.
        Await.until("A runs", WAIT, () -> WorkerTestTasks.sleepStarts.containsKey(a));
        UUID second = client.dispatch(io.chard.client.DispatchRequest.of("w.sleep_labelled", client.toJson(List.of(b, 0.1)))
                .withExpires(Instant.now().plusMillis(1_200))).id();
        Await.until("B is leased ahead", WAIT, () -> status(second) == ExecutionStatus.RUNNING);
        assertEquals(ExecutionStatus.SUCCESS, finished(first).status());
        ExecutionSnapshot expired = finished(second);
        assertEquals(0, WorkerTestTasks.sleepStarts.getOrDefault(b, new java.util.concurrent.atomic.AtomicInteger())
                .get(), "B's body ran after its expiry");
        assertEquals(ExecutionStatus.REVOKED, expired.status());
    }

    /**
     * An envelope that names a registered task and binds, but carries no queue (a producer other than TaskClient, or
     * an older one): the run hands the null queue to WorkerMetrics.started, whose ConcurrentHashMap lookup throws a
     * NullPointerException out of the execution's thread. Nothing ends the execution: it stays running, its lease
     * renewed for ever, its slot held. (finish() reads a null queue as unknown; started() does not.)
     */
    @Test
    void anEnvelopeWithoutAQueueRunsOrFailsInsteadOfHangingRunningForEver() {
        startWorker(Map.of(ChardSettings.WORKER_CONCURRENCY, 1));
        UUID id = UUID.randomUUID();
        broker.enqueue(List.of(new Envelope.Encoded(envelope(id, "w.add", client.toJson(List.of(2, 3))),
                "{\"task\":\"w.add\",\"args\":[2,3]}")));
        ExecutionSnapshot done = finished(id);
        assertTrue(done.status() == ExecutionStatus.SUCCESS || done.status() == ExecutionStatus.FAILED,
                done.status().toString());
    }

    /** How many of {@code ids} a worker has taken (running or ended). */
    private long started(List<UUID> ids) {
        return ids.stream().filter(id -> status(id) != ExecutionStatus.PENDING).count();
    }

    private ExecutionStatus status(UUID id) {
        return broker.snapshot(id).orElseThrow().status();
    }

    private ExecutionSnapshot finished(UUID id) {
        return Await.value("execution " + id + " ends", WAIT, () -> {
            try {
                return broker.snapshot(id).filter(s -> s.status().ended()).orElse(null);
            } catch (BrokerUnavailableException reconnecting) {
                return null; // commands are refused at once while the connection is down; ask again
            }
        });
    }

    private static Envelope envelope(UUID id, String task, JsonNode args) {
        return new Envelope(id, task, args, null, "default", 5, null, null, null, Instant.now(), null);
    }

    private Envelope.Encoded encoded(Envelope envelope) {
        try {
            return new Envelope.Encoded(envelope, context.getBean(io.micronaut.json.JsonMapper.class)
                    .writeValueAsString(envelope));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
