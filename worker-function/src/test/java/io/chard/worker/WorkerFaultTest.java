package io.chard.worker;

import io.chard.broker.Broker;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Partitions;
import io.chard.broker.Settlement;
import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.chard.trigger.ReadyTrigger;
import io.chard.worker.metrics.WorkerMetrics;
import io.lettuce.core.RedisClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker on real Redis whose broker calls a test can break: dying loops and stale heartbeat replies. */
class WorkerFaultTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    ApplicationContext context;
    TaskClient client;
    Broker broker;
    FaultyConsumer consumer;
    Worker worker;
    final AtomicInteger exitStatus = new AtomicInteger(-1);

    private void startWorker(String lease, int concurrency) {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.LEASE_DURATION, lease);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        broker = context.getBean(Broker.class);
        String id = "fault-" + UUID.randomUUID().toString().substring(0, 8);
        consumer = new FaultyConsumer(broker.consumer(id));
        WorkerConfig config = new WorkerConfig(true, List.of("default"), concurrency, 0, 256, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        worker = new Worker(id, consumer, config, context.getBean(ChardConfig.class),
                context.getBean(TaskInvoker.class), context.getBean(JsonMapper.class), Clock.systemUTC(),
                exitStatus::set);
        worker.start();
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop();
        }
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aHeartbeatLoopKilledByAnErrorStopsTheWorkerGivesBackItsTaskAndExitsNonZero() {
        startWorker("3s", 2);
        assertEquals(ExecutionStatus.SUCCESS, finished(client.dispatch("w.add", 1, 2).id()).status());
        UUID running = client.dispatch("w.sleep", 30).id();
        Await.until("it runs", WAIT, () -> status(running) == ExecutionStatus.RUNNING);
        OutOfMemoryError injected = new OutOfMemoryError("injected by the test");
        consumer.beforeHeartbeat(leases -> {
            throw injected;
        });
        Await.until("the worker exits", WAIT, () -> exitStatus.get() != -1);
        assertEquals(1, exitStatus.get(), "a non-zero status, so that the supervisor restarts the worker");
        assertSame(injected, worker.failure().orElseThrow());
        assertEquals(ExecutionStatus.PENDING, status(running),
                "the running task was given back at once, not left to run under a lease nobody renews");
    }

    @Test
    void aStaleLostReplyDoesNotDropTheSameExecutionLeasedAgainUnderANewToken() {
        ExecutionSnapshot done = sleepWithOneHeartbeatLaterThanTheLease(2);
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals(2, done.deliveries(), "the second lease was dropped on the first one's reply and ran again");
    }

    @Test
    void aLiveWorkerHandedBackAnExecutionItStillRunsCarriesOnInsteadOfRunningItTwice() {
        int startedBefore = WorkerTestTasks.sleepsStarted.get();
        ExecutionSnapshot done = sleepWithOneHeartbeatLaterThanTheLease(3);
        assertEquals(ExecutionStatus.SUCCESS, done.status(), "its report, under the new lease, is accepted");
        assertEquals(2, done.deliveries());
        assertEquals(1, WorkerTestTasks.sleepsStarted.get() - startedBefore, "the task body ran once, not twice");
    }

    @Test
    void aLostReplyThatReachesTheWorkerBeforeTheNewLeaseDoesNotStopTheRunTheNewLeaseCarriesOn() {
        startWorker("1500ms", 2);
        AtomicReference<UUID> watched = new AtomicReference<>();
        AtomicInteger heartbeats = new AtomicInteger();
        AtomicInteger held = new AtomicInteger(-1);
        consumer.beforeHeartbeat(leases -> {
            int beat = heartbeats.incrementAndGet();
            UUID id = watched.get();
            if (leases.stream().anyMatch(lease -> lease.id().equals(id)) && held.compareAndSet(-1, beat)) {
                Await.until("the lapsed lease is handed to this worker again", WAIT,
                        () -> broker.snapshot(id).orElseThrow().deliveries() == 2);
            }
        });
        consumer.afterLease(leased -> {
            if (leased.stream().anyMatch(delivery -> delivery.id().equals(watched.get())
                    && delivery.deliveries() == 2)) {
                // Both replies are on their way; the held heartbeat's "lost" is dealt with first: the new lease
                // is handed on only once the heartbeater has moved on to its next beat.
                Await.until("the heartbeater moved past the lost reply", WAIT,
                        () -> held.get() != -1 && heartbeats.get() > held.get());
            }
        });
        int startedBefore = WorkerTestTasks.sleepsStarted.get();
        UUID id = client.dispatch("w.sleep", 3).id();
        watched.set(id);
        ExecutionSnapshot done = finished(id);
        assertEquals(ExecutionStatus.SUCCESS, done.status(), "its report, under the new lease, is accepted");
        assertEquals(1, WorkerTestTasks.sleepsStarted.get() - startedBefore, "the task body ran once, not twice");
    }

    /**
     * Runs {@code w.sleep(seconds)} with its first heartbeat held past the lease (a long pause, no outage): the
     * lease lapses, the lease script hands the execution to this same, living worker, and the held heartbeat,
     * still carrying the first token, is then answered "lost". Answers the execution once it ended.
     */
    private ExecutionSnapshot sleepWithOneHeartbeatLaterThanTheLease(double seconds) {
        startWorker("1500ms", 2);
        AtomicReference<UUID> watched = new AtomicReference<>();
        AtomicBoolean stalled = new AtomicBoolean();
        consumer.beforeHeartbeat(leases -> {
            UUID id = watched.get();
            if (leases.stream().anyMatch(lease -> lease.id().equals(id)) && stalled.compareAndSet(false, true)) {
                Await.until("the lapsed lease is handed to this worker again", WAIT,
                        () -> broker.snapshot(id).orElseThrow().deliveries() == 2);
            }
        });
        UUID id = client.dispatch("w.sleep", seconds).id();
        watched.set(id);
        return finished(id);
    }

    @Test
    void afterAnOutageTheWorkerSettlesAndRenewsBeforeItLeasesSoNothingRunsTwice() throws Exception {
        startWorker("1500ms", 2);
        UUID longer = client.dispatch("w.sleep", 5).id();
        UUID shorter = client.dispatch("w.sleep", 0.5).id();
        Await.until("both run", WAIT, () -> status(longer) == ExecutionStatus.RUNNING
                && status(shorter) == ExecutionStatus.RUNNING);
        consumer.leaseDown = true;
        consumer.heartbeatDown = true;
        consumer.settleDown = true;
        // Longer than the lease: both leases lapse on Redis' clock, and the shorter task ends meanwhile.
        Thread.sleep(2_500);
        consumer.leaseDown = false;
        // Leasing answers again before heartbeats and settling do (their connections, say, reconnect later).
        Thread.sleep(1_500);
        consumer.heartbeatDown = false;
        consumer.settleDown = false;
        for (UUID id : List.of(shorter, longer)) {
            ExecutionSnapshot done = finished(id);
            assertEquals(ExecutionStatus.SUCCESS, done.status());
            assertEquals(1, done.deliveries(), "this live worker leased back an execution it still held");
        }
    }

    @Test
    void whatALeaseCallBringsOnceTheWorkerIsStoppingGoesBackInsteadOfStarting() throws Exception {
        startWorker("30s", 2);
        assertEquals(ExecutionStatus.SUCCESS, finished(client.dispatch("w.add", 1, 2).id()).status());
        int startedBefore = WorkerTestTasks.sleepsStarted.get();
        AtomicReference<Thread> stopper = new AtomicReference<>();
        consumer.afterLease(leased -> {
            if (!leased.isEmpty() && stopper.get() == null) {
                // The stop begins while the call is on its way back: the idle worker's lease behind its wait
                // runs in Redis when the dispatch wakes it, whatever the worker has begun meanwhile.
                stopper.set(Thread.ofPlatform().start(worker::stop));
                Await.until("the stop has begun", WAIT, worker::stopping);
            }
        });
        UUID id = client.dispatch("w.sleep", 5).id();
        Await.until("the worker stopped", WAIT, () -> stopper.get() != null && !stopper.get().isAlive());
        assertEquals(ExecutionStatus.PENDING, status(id), "given back at once, for another worker");
        assertEquals(startedBefore, WorkerTestTasks.sleepsStarted.get(), "the stopping worker did not start it");
    }

    /**
     * The worker begins to stop while a lease call brings back an execution it still runs (its heartbeat came later
     * than the lease, and the lapsed lease was handed to this worker again). Given back with the rest of the late
     * batch, it went to the queue while this worker still ran it in its grace: another worker would run it again,
     * and this one's report, under the old lease, was refused. It carries on under the new lease instead.
     */
    @Test
    void aStoppingWorkerHandedBackAnExecutionItStillRunsFinishesItInsteadOfGivingItBack() throws Exception {
        startWorker("1500ms", 2);
        AtomicReference<UUID> watched = new AtomicReference<>();
        AtomicBoolean stalled = new AtomicBoolean();
        consumer.beforeHeartbeat(leases -> {
            UUID id = watched.get();
            if (leases.stream().anyMatch(lease -> lease.id().equals(id)) && stalled.compareAndSet(false, true)) {
                Await.until("the lapsed lease is handed to this worker again", WAIT,
                        () -> broker.snapshot(id).orElseThrow().deliveries() == 2);
            }
        });
        AtomicReference<Thread> stopper = new AtomicReference<>();
        consumer.afterLease(leased -> {
            if (stopper.get() == null && leased.stream().anyMatch(delivery -> delivery.id().equals(watched.get()))
                    && leased.stream().anyMatch(delivery -> delivery.deliveries() == 2)) {
                stopper.set(Thread.ofPlatform().start(worker::stop));
                Await.until("the stop has begun", WAIT, worker::stopping);
            }
        });
        int startedBefore = WorkerTestTasks.sleepsStarted.get();
        UUID id = client.dispatch("w.sleep", 3).id();
        watched.set(id);
        Await.until("the worker stopped", WAIT, () -> stopper.get() != null && !stopper.get().isAlive());
        ExecutionSnapshot done = broker.snapshot(id).orElseThrow();
        assertEquals(ExecutionStatus.SUCCESS, done.status(), "its report, under the new lease, is accepted");
        assertEquals(2, done.deliveries());
        assertEquals(1, WorkerTestTasks.sleepsStarted.get() - startedBefore, "the task body ran once");
    }

    /**
     * A drain's lease call that answers only after the drain ended (Redis slower than the drain waits for a round in
     * flight): what it leased started after the invocation had answered, frozen with it, and ran again elsewhere
     * once its lease lapsed. It is given back instead.
     */
    @Test
    void whatALeaseCallOutlastingItsDrainLeasedIsGivenBackNotStarted() throws Exception {
        context = ApplicationContext.run(TestRedis.properties());
        client = context.getBean(TaskClient.class);
        broker = context.getBean(Broker.class);
        int startedBefore = WorkerTestTasks.sleepsStarted.get();
        UUID id = client.dispatch("w.sleep", 0.1).id();
        String workerId = "fault-" + UUID.randomUUID().toString().substring(0, 8);
        FaultyConsumer slow = new FaultyConsumer(broker.consumer(workerId));
        CountDownLatch drainEnded = new CountDownLatch(1);
        slow.afterLease(leased -> {
            if (!leased.isEmpty()) {
                drainEnded.await(1, TimeUnit.MINUTES);
            }
        });
        WorkerConfig config = new WorkerConfig(false, List.of("default"), 2, 0, 256, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        worker = new Worker(workerId, slow, config, context.getBean(ChardConfig.class),
                context.getBean(TaskInvoker.class), context.getBean(JsonMapper.class), Clock.systemUTC(),
                status -> { }, ReadyTrigger.NONE, new WorkerMetrics(new PrometheusMeterRegistry(
                        PrometheusConfig.DEFAULT)));
        DrainReport report = worker.drain(Instant.now().plusSeconds(2), Duration.ofSeconds(1));
        assertEquals(0, report.leased(), report.summary());
        drainEnded.countDown();
        Await.until("the late lease's execution is given back", WAIT, () -> status(id) != ExecutionStatus.RUNNING);
        assertEquals(ExecutionStatus.PENDING, status(id));
        assertEquals(startedBefore, WorkerTestTasks.sleepsStarted.get(), "the task did not start after its drain");
    }

    /**
     * The late batch of a lease call that outlasted its drain goes back to Redis, but its lease slots never came back
     * to the worker: a warm function instance keeps its worker for the next invocations, and with one slot (a
     * concurrency of 1, no prefetch) it leases nothing ever again; each later drain holds its invocation to its
     * deadline with ready work left in Redis.
     */
    @Test
    void aWarmWorkerStillLeasesAfterALeaseCallOutlastedItsPreviousDrain() throws Exception {
        context = ApplicationContext.run(TestRedis.properties());
        client = context.getBean(TaskClient.class);
        broker = context.getBean(Broker.class);
        UUID first = client.dispatch("w.sleep", 0.1).id();
        String workerId = "fault-" + UUID.randomUUID().toString().substring(0, 8);
        FaultyConsumer slow = new FaultyConsumer(broker.consumer(workerId));
        CountDownLatch drainEnded = new CountDownLatch(1);
        AtomicBoolean slowedOnce = new AtomicBoolean();
        slow.afterLease(leased -> {
            if (!leased.isEmpty() && slowedOnce.compareAndSet(false, true)) {
                drainEnded.await(1, TimeUnit.MINUTES);
            }
        });
        WorkerConfig config = new WorkerConfig(false, List.of("default"), 1, 0, 256, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        worker = new Worker(workerId, slow, config, context.getBean(ChardConfig.class),
                context.getBean(TaskInvoker.class), context.getBean(JsonMapper.class), Clock.systemUTC(),
                status -> { }, ReadyTrigger.NONE, new WorkerMetrics(new PrometheusMeterRegistry(
                        PrometheusConfig.DEFAULT)));
        worker.drain(Instant.now().plusSeconds(2), Duration.ofSeconds(1));
        drainEnded.countDown();
        Await.until("the late lease's execution is given back", WAIT, () -> status(first) == ExecutionStatus.PENDING);
        // The next invocation of the same warm instance: the given-back execution is ready, and so is a new one.
        UUID second = client.dispatch("w.add", 1, 2).id();
        DrainReport next = worker.drain(Instant.now().plusSeconds(6), Duration.ofSeconds(1));
        assertEquals(2, next.leased(), "the next drain of the warm worker leased nothing: " + next.summary()
                + "; first " + status(first) + ", second " + status(second));
        assertEquals(ExecutionStatus.SUCCESS, finished(second).status());
    }

    /**
     * A settle call that Redis took but whose answer the worker never had (a reply cut off; or, with partitions, the
     * call for another partition failed after this one's committed): the settler keeps the batch and sends it
     * again. Its outcomes were refused as stale then: a `stale` event and field on executions their only worker
     * settled, a stale-report metric, and a drain report that missed them (not succeeded, not settled).
     */
    @Test
    void aSettleBatchSentAgainAfterItsFirstCallWasTakenCountsNoOutcomeAsStale() throws Exception {
        Map<String, Object> properties = TestRedis.properties();
        context = ApplicationContext.run(properties);
        Partitions partitions = new Partitions((String) properties.get(ChardSettings.NAMESPACE), 1);
        client = context.getBean(TaskClient.class);
        broker = context.getBean(Broker.class);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(client.dispatch("w.add", i, 1).id());
        }
        String workerId = "fault-" + UUID.randomUUID().toString().substring(0, 8);
        FaultyConsumer answerLostOnce = new FaultyConsumer(broker.consumer(workerId));
        AtomicBoolean failedOnce = new AtomicBoolean();
        answerLostOnce.settleWith((settlements, real) -> {
            List<Boolean> taken = real.settle(settlements);
            if (failedOnce.compareAndSet(false, true)) {
                throw new BrokerUnavailableException("the answer was lost (the test)", null);
            }
            return taken;
        });
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkerConfig config = new WorkerConfig(false, List.of("default"), 8, 0, 256, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        worker = new Worker(workerId, answerLostOnce, config, context.getBean(ChardConfig.class),
                context.getBean(TaskInvoker.class), context.getBean(JsonMapper.class), Clock.systemUTC(),
                status -> { }, ReadyTrigger.NONE, new WorkerMetrics(registry));
        DrainReport report;
        try {
            report = worker.drain(Instant.now().plusSeconds(10), Duration.ofSeconds(2));
        } finally {
            worker.stop();
        }
        assertTrue(failedOnce.get(), "an answer was lost");
        ids.forEach(id -> assertEquals(ExecutionStatus.SUCCESS, finished(id).status()));
        List<String> staleFields = new ArrayList<>();
        RedisClient redis = RedisClient.create(TestRedis.uri());
        try (var connection = redis.connect()) {
            for (UUID id : ids) {
                String stale = connection.sync().hget(partitions.keys(id).task(id), "stale");
                if (stale != null) {
                    staleFields.add(id + " stale=" + stale);
                }
            }
        } finally {
            redis.shutdown();
        }
        String staleMetric = registry.scrape().lines().filter(line -> line.startsWith("chard_worker_stale_reports"))
                .findFirst().orElse("none");
        assertEquals(List.of(), staleFields, "executions marked as refused reports; metric " + staleMetric);
        assertEquals(ids.size(), report.succeeded(), report.summary());
        assertEquals(Set.copyOf(ids), report.settled());
    }

    private ExecutionStatus status(UUID id) {
        return broker.snapshot(id).orElseThrow().status();
    }

    private ExecutionSnapshot finished(UUID id) {
        return Await.value("execution " + id + " ends", WAIT, () -> broker.snapshot(id)
                .filter(s -> s.status().ended()).orElse(null));
    }
}
