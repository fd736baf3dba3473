package io.chard.worker.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.RedisKeys;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TcpProxy;
import io.chard.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timer-driven worker function against a real Redis, called in-process with a counting-down context. */
class TimerDrainHandlerTest {
    /** What EventBridge sends for a schedule (the shape of AWS's sample event). */
    static final String SCHEDULED_EVENT = """
            {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "time": "2026-11-26T10:00:00Z",
             "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/chard-timer"],
             "detail": {}}""";
    ApplicationContext context;
    TimerDrainHandler handler;
    TaskClient client;

    private void start(Map<String, Object> overrides) {
        Map<String, Object> properties = FunctionHandler.workerProperties(Map.of());
        properties.putAll(TestRedis.properties());
        properties.putAll(overrides);
        context = ApplicationContext.builder().properties(properties).deduceEnvironment(false).start();
        handler = new TimerDrainHandler(context);
        client = context.getBean(TaskClient.class);
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aTwentySecondInvocationRunsAThousandQueuedNoopsToSuccessAndLeavesNoLeaseBehind() {
        start(Map.of());
        List<DispatchRequest> requests = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            requests.add(DispatchRequest.of("examples.noop", client.toJson(List.of())));
        }
        List<UUID> ids = client.dispatchAll(requests).stream().map(d -> d.id()).toList();
        long started = System.nanoTime();
        String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(20)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(line.contains("ran 1000 (1000 succeeded"), line);
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "returns once the queue is empty, took " + took);
        for (UUID id : ids) {
            assertEquals(ExecutionStatus.SUCCESS, snapshot(id).status());
        }
        assertEquals(0, zcard("leased"), "no lease left behind");
        assertEquals(0, zcard("ready"));
    }

    @Test
    void aRetryTheLastTaskLeftDueWithinTheInvocationRunsInThatSameInvocation() {
        start(Map.of());
        // Fails once, then its retry is due 50 ms later: the drain must not end on the round that ran before the
        // failure was settled (it found the queue empty while the lease, 30 s, outlasted the invocation).
        UUID id = client.dispatch("w.flaky", 1).id();
        String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(20)));
        ExecutionSnapshot done = snapshot(id);
        assertEquals(ExecutionStatus.SUCCESS, done.status(), line);
        assertEquals(1, done.retries(), line);
    }

    @Test
    void lambdasStreamEntryReadsTheScheduledEventsJsonAndWritesTheAnswerAsJson() throws Exception {
        start(Map.of());
        UUID id = client.dispatch("examples.noop").id();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(SCHEDULED_EVENT.getBytes(StandardCharsets.UTF_8)), answer,
                new DeadlineContext(Duration.ofSeconds(20)));
        String line = JsonMapper.createDefault().readValue(answer.toByteArray(), String.class);
        assertTrue(line.contains("ran 1 (1 succeeded"), line);
        assertEquals(ExecutionStatus.SUCCESS, snapshot(id).status());
    }

    @Test
    void anEventThatIsNotAJsonObjectFailsItsInvocationBeforeAnyWork() {
        start(Map.of());
        UUID id = client.dispatch("examples.noop").id();
        for (String event : List.of("{\"Records\": [", "[]", "")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> handler.handleRequest(
                    new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                    new DeadlineContext(Duration.ofSeconds(20))));
            assertTrue(refused.getMessage().contains("an EventBridge ScheduledEvent"), refused.getMessage());
        }
        assertEquals(ExecutionStatus.PENDING, snapshot(id).status());
    }

    @Test
    void anInvocationWithNoMoreTimeThanTheSafetyMarginFailsLoudlyInsteadOfRunningNothing() {
        start(Map.of());
        UUID id = client.dispatch("examples.noop").id();
        // Lambda's default timeout (3 s) under the default margin (5 s): every invocation would answer "ran 0".
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(3))));
        assertTrue(refused.getMessage().contains("CHARD_FUNCTION_SAFETY_MARGIN"), refused.getMessage());
        assertEquals(ExecutionStatus.PENDING, snapshot(id).status());
    }

    @Test
    void aSixtySecondSleepLeasedOnTheDefaultBudgetIsGivenBackPendingAtTheDeadline() {
        start(Map.of());
        UUID sleep = client.dispatch("examples.sleep", 60).id();
        String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(20)));
        assertTrue(line.contains("ran 1 ") && line.contains("gave back 1"), line);
        ExecutionSnapshot givenBack = snapshot(sleep);
        assertEquals(ExecutionStatus.PENDING, givenBack.status(), "pending, not running");
        assertEquals(1, givenBack.deliveries());
        assertEquals(0, zcard("leased"), "no lease left behind");
    }

    @Test
    void aTaskWhoseRunBudgetDoesNotFitInTheTimeLeftIsNeverLeased() {
        start(Map.of("chard.function.run-budget", "60s"));
        UUID sleep = client.dispatch("examples.sleep", 60).id();
        String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(20)));
        assertTrue(line.startsWith("timer drain of [default]: ran 0 "), line);
        ExecutionSnapshot waiting = snapshot(sleep);
        assertEquals(ExecutionStatus.PENDING, waiting.status());
        assertEquals(0, waiting.deliveries());
    }

    @Test
    void aTaskWhoseHardTimeLimitDoesNotFitIsNeverLeasedEvenWithALargeBudget() {
        start(Map.of("chard.function.run-budget", "1s"));
        UUID limited = client.dispatch("examples.limited_sleep", 1).id();
        handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
        assertEquals(0, snapshot(limited).deliveries(), "its 30 s limit does not fit in 10 s - 5 s margin");
        handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(40)));
        assertEquals(ExecutionStatus.SUCCESS, snapshot(limited).status(), "a longer invocation runs it");
    }

    /**
     * 150 tasks whose limit never fits this function wait ahead of one that does. The lease popped what did not fit
     * and stopped after 100, answering nothing due: every invocation ended at once, the fitting task never ran.
     */
    @Test
    void aTaskThatFitsIsLeasedEvenBehindAHundredThatDoNot() {
        start(Map.of("chard.function.run-budget", "1s"));
        // 150 tasks whose 30 s hard limit never fits a 10 s invocation (5 s margin), then one that fits at once.
        List<DispatchRequest> tooLong = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            tooLong.add(DispatchRequest.of("examples.limited_sleep", client.toJson(List.of(1))));
        }
        client.dispatchAll(tooLong);
        UUID add = client.dispatch("examples.add", 2, 3).id();
        String line = "";
        for (int invocation = 0; invocation < 3; invocation++) {
            line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
        }
        assertEquals(ExecutionStatus.SUCCESS, snapshot(add).status(),
                "ready and fitting, it waits behind executions no invocation of this function can run: " + line);
    }

    /**
     * 6,000 tasks that never fit a 10 s invocation wait ahead of one that fits. A lease call steps past about 2,000
     * of them (a thousand from the head, a thousand from its mark) and stops; answered as no work, the drain counted
     * itself dry and the invocation ended with 9.9 s left, a thousand further each invocation: the task ran at the
     * fourth (15 minutes later under rate(5 minutes)). From a review.
     */
    @Test
    void oneInvocationRunsATaskThatFitsQueuedBehindThousandsThatDoNot() {
        start(Map.of("chard.function.run-budget", "1s"));
        List<DispatchRequest> tooLong = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            tooLong.add(DispatchRequest.of("examples.limited_sleep", client.toJson(List.of(1))));
        }
        client.dispatchAll(tooLong);
        UUID add = client.dispatch("examples.add", 2, 3).id();
        String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
        assertEquals(ExecutionStatus.SUCCESS, snapshot(add).status(),
                "ready and fitting, it was left behind by an invocation that ended early: " + line);
    }

    /**
     * From the fixes review: a lease call is also cut after it passed 1,000 executions it ended or held back
     * (MAX_PASSED), and there, as at the 2,000-step bound, the queue may hold fitting work behind. When the same call
     * stepped past one that does not fit, it neither wakes the queue (skipped > 0) nor sets {@code cut}: it answers
     * dry, and the invocation ends with its time unused, leaving a ready task that fits for the next one.
     */
    @Test
    void oneInvocationRunsATaskThatFitsQueuedBehindOneThatDoesNotAndAThousandExpired() throws InterruptedException {
        start(Map.of("chard.function.run-budget", "1s"));
        List<DispatchRequest> batch = new ArrayList<>();
        batch.add(DispatchRequest.of("examples.limited_sleep", client.toJson(List.of(1)))); // 30 s: never fits 10 s
        Instant soon = Instant.now().plusMillis(1_500);
        for (int i = 0; i < 1_100; i++) {
            batch.add(DispatchRequest.of("examples.noop", client.toJson(List.of())).withExpires(soon));
        }
        batch.add(DispatchRequest.of("examples.add", client.toJson(List.of(2, 3))));
        List<UUID> ids = client.dispatchAll(batch).stream().map(d -> d.id()).toList(); // one partition, in this order
        UUID add = ids.getLast();
        Thread.sleep(Duration.between(Instant.now(), soon).toMillis() + 200);
        String line = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
        assertEquals(ExecutionStatus.SUCCESS, snapshot(add).status(),
                "ready and fitting, it was left behind by an invocation that ended early: " + line);
    }

    @Test
    void whatStillRunsAtTheDeadlineIsGivenBackPendingAndTheWarmInstanceServesTheNextInvocation() {
        start(Map.of("chard.function.run-budget", "1s", "chard.function.safety-margin", "1s"));
        UUID sleep = client.dispatch("examples.sleep", 60).id();
        String first = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(4)));
        assertTrue(first.contains("ran 1 ") && first.contains("gave back 1"), first);
        ExecutionSnapshot givenBack = snapshot(sleep);
        assertEquals(ExecutionStatus.PENDING, givenBack.status(), "pending, not running");
        assertEquals(1, givenBack.deliveries());
        assertEquals(0, zcard("leased"));

        client.revoke(sleep);
        UUID add = client.dispatch("examples.add", 2, 3).id();
        String second = handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
        assertTrue(second.contains("1 succeeded"), second);
        assertEquals("5", snapshot(add).resultJson());
    }

    @Test
    void theFunctionWritesItsTasksLimitsToRedisSoTheyHoldWithoutALongLivedWorker() {
        start(Map.of());
        assertNull(redis(commands -> commands.hget(keys().limits(), "t:w.capped")), "nothing before");
        handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(10)));
        assertEquals("0 0 2 0", redis(commands -> commands.hget(keys().limits(), "t:w.capped")));
        assertEquals("10 1000 0 0", redis(commands -> commands.hget(keys().limits(), "t:w.rated")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theInvocationWritesEachTasksWaitsAndTheLeasesItTookBackAsEmbeddedMetricLines() throws Exception {
        start(Map.of());
        client.dispatch("examples.add", 1, 2);
        // A worker that leased the first and went silent: a drain takes back the lease that lapsed before it began
        // (one that lapses later is the next invocation's: a drain does not wait for other workers' leases).
        try (BrokerConsumer silent = context.getBean(Broker.class).consumer("silent")) {
            assertEquals(1, silent.lease(List.of("default"), 1, Duration.ofMillis(200)).deliveries().size());
        }
        Instant lapsed = Instant.now().plusMillis(250);
        Await.until("the silent worker's lease lapsed", Duration.ofSeconds(5), () -> Instant.now().isAfter(lapsed));
        for (int i = 0; i < 3; i++) {
            client.dispatch("examples.add", i, i);
        }
        List<String> lines = embeddedMetricLines(() -> handler.handleRequest(new ScheduledEvent(),
                new DeadlineContext(Duration.ofSeconds(20))));
        JsonMapper json = context.getBean(JsonMapper.class);
        Map<String, Object> counts = json.readValue(lines.getFirst(), Map.class);
        assertEquals(4, ((Number) counts.get("TasksRun")).intValue(), lines.getFirst());
        assertEquals(1, ((Number) counts.get("LeaseExpiries")).intValue(), lines.getFirst());

        assertEquals(2, lines.size(), "one line of waits for the one task and queue: " + lines);
        Map<String, Object> waits = json.readValue(lines.get(1), Map.class);
        assertEquals("examples.add", waits.get("Task"));
        assertEquals("default", waits.get("Queue"));
        assertEquals(4, ((List<Number>) waits.get("TaskWait")).size(), lines.get(1));
        Map<String, Object> directive = ((List<Map<String, Object>>) ((Map<String, Object>) waits.get("_aws"))
                .get("CloudWatchMetrics")).getFirst();
        assertEquals(List.of(List.of("Function", "Task", "Queue"), List.of("Function")), directive.get("Dimensions"));
        assertEquals(List.of(Map.of("Name", "TaskWait", "Unit", "Milliseconds")), directive.get("Metrics"));
    }

    /**
     * Redis goes away while the drain's only task runs: the task ends, its outcome cannot be settled, and nothing
     * else can be leased. The drain held the invocation to its deadline, backing off against a dead Redis (a
     * 300 s timer function burnt 295 s for nothing). Once Redis has been unreachable for a whole lease duration
     * (every lease it holds has lapsed on Redis' clock by then) and nothing still runs, the invocation ends; the
     * execution is not lost: once Redis answers, the warm instance settles it or another drain runs it again.
     */
    @Test
    void aDrainWhoseRedisGoesAwayEndsOnceALeaseDurationPassedInsteadOfHoldingTheInvocationToItsDeadline()
            throws Exception {
        URI redis = URI.create(TestRedis.uri());
        try (TcpProxy proxy = new TcpProxy(redis.getHost(), redis.getPort())) {
            start(Map.of(ChardSettings.REDIS_URI, "redis://127.0.0.1:" + proxy.port(),
                    "chard.lease-duration", "6s"));
            UUID sleep = client.dispatch("examples.sleep", 2).id();
            java.util.concurrent.CompletableFuture<String> invocation = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> handler.handleRequest(new ScheduledEvent(),
                            new DeadlineContext(Duration.ofSeconds(45))));
            Await.until("it runs", Duration.ofSeconds(10), () -> snapshot(sleep).status() == ExecutionStatus.RUNNING);
            proxy.cut();
            long cut = System.nanoTime();
            String line = invocation.get(60, TimeUnit.SECONDS);
            Duration held = Duration.ofNanos(System.nanoTime() - cut);
            assertTrue(held.compareTo(Duration.ofSeconds(20)) < 0,
                    "held the invocation " + held.toMillis() + " ms after Redis went away (deadline 40 s): " + line);
            proxy.restore();
            Await.until("the client reconnected", Duration.ofSeconds(20), () -> {
                try {
                    context.getBean(Broker.class).ping();
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            });
            handler.handleRequest(new ScheduledEvent(), new DeadlineContext(Duration.ofSeconds(20)));
            Await.until("it ends", Duration.ofSeconds(20), () -> snapshot(sleep).status() == ExecutionStatus.SUCCESS);
        }
    }

    /** The embedded-metric lines {@code invocation} writes to standard output (passed on to it as well). */
    private static List<String> embeddedMetricLines(Runnable invocation) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            invocation.run();
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        out.print(text);
        return text.lines().filter(line -> line.startsWith("{\"_aws\"")).toList();
    }

    private ExecutionSnapshot snapshot(UUID id) {
        return context.getBean(Broker.class).snapshot(id).orElseThrow();
    }

    private long zcard(String part) {
        return redis(commands -> commands.zcard(keys().queue("default", part)));
    }

    private RedisKeys keys() {
        return RedisKeys.of(context.getBean(ChardConfig.class).namespace());
    }

    private <T> T redis(Function<RedisCommands<String, String>, T> command) {
        RedisClient redis = RedisClient.create(TestRedis.uri());
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            return command.apply(connection.sync());
        } finally {
            redis.shutdown();
        }
    }
}
