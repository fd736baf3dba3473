package io.chard.sqs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer.LeaseBatch;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.EventBacklogFullException;
import io.chard.broker.EventStream;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Partitions;
import io.chard.broker.QueueControl;
import io.chard.broker.RedisBroker;
import io.chard.canvas.WorkflowDispatched;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.TestRedis;
import io.chard.worker.function.DeadlineContext;
import io.chard.worker.function.FunctionHandler;
import io.chard.worker.function.TimerDrainHandler;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static io.chard.canvas.Workflow.chain;
import static io.chard.canvas.Workflow.task;
import static io.chard.testing.PartitionedStreams.drain;
import static io.chard.testing.PartitionedStreams.fillStream;
import static io.chard.testing.PartitionedStreams.keyIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SQS trigger and the SQS-triggered function against a real Redis and an embedded ElasticMQ. */
class SqsDrainHandlerTest {
    static ElasticMq sqs;
    ApplicationContext context;
    SqsDrainHandler handler;
    TaskClient client;
    String queueUrl;

    @BeforeAll
    static void startSqs() {
        sqs = new ElasticMq();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    private void start(Map<String, Object> overrides) {
        start("default", overrides);
    }

    /** With {@code triggered} the one queue SQS triggers. */
    private void start(String triggered, Map<String, Object> overrides) {
        queueUrl = sqs.createQueue("chard-" + UUID.randomUUID().toString().substring(0, 8));
        Map<String, Object> properties = new HashMap<>(properties(queueUrl));
        properties.put("chard.sqs.queue-urls", triggered + "=" + queueUrl);
        properties.putAll(overrides);
        context = ApplicationContext.builder().properties(properties).deduceEnvironment(false).start();
        handler = new SqsDrainHandler(context);
        client = context.getBean(TaskClient.class);
    }

    static Map<String, Object> properties(String queueUrl) {
        Map<String, Object> properties = FunctionHandler.workerProperties(Map.of());
        properties.putAll(TestRedis.properties());
        properties.put("chard.sqs.queue-urls", "default=" + queueUrl);
        properties.put("chard.sqs.endpoint", sqs.endpoint);
        properties.put("chard.function.timeout", "60s");
        properties.put("chard.sqs.visibility-timeout", "360s");
        properties.put("aws.accessKeyId", "x");
        System.setProperty("aws.accessKeyId", "x");
        System.setProperty("aws.secretAccessKey", "x");
        return properties;
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aDispatchToAnSqsTriggeredQueuePutsItsIdInSqsAndTheHandlerRunsThatBatch() {
        start(Map.of());
        UUID id = client.dispatch("examples.add", 2, 3).id();
        List<Message> messages = receive(10, 5);
        assertEquals(List.of(id.toString()), messages.stream().map(Message::body).toList());
        SQSBatchResponse response = handler.handleRequest(event(messages), new DeadlineContext(Duration.ofSeconds(30)));
        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals("5", snapshot(id).resultJson());
    }

    /**
     * A batch refused part-way (a later partition's event stream full) keeps what the earlier partitions stored, and
     * is sent again whole, as the architecture notes say: those items are then duplicates. Each must still reach
     * SQS: told only after every partition had returned, the trigger never heard of the one stored by the refused
     * call, and it waited in Redis for the timer drain. From a review.
     */
    @Test
    void everyItemOfABatchSentAgainAfterAPartialRefusalReachesSqs() {
        start("resent", Map.of(ChardSettings.PARTITIONS, 2, ChardSettings.EVENTS_MAX_LENGTH, 600));
        RedisBroker broker = context.getBean(RedisBroker.class);
        Partitions partitions = broker.partitions();
        fillStream(client, partitions, 1); // only the second partition's stream is full (of the default queue's)
        List<DispatchRequest> batch = List.of(
                DispatchRequest.of("examples.add", client.toJson(List.of(1, 1))).withQueue("resent")
                        .withIdempotencyKey(keyIn(partitions, 0, "first")),
                DispatchRequest.of("examples.add", client.toJson(List.of(2, 1))).withQueue("resent")
                        .withIdempotencyKey(keyIn(partitions, 1, "second")));
        assertThrows(EventBacklogFullException.class, () -> client.dispatchAll(batch));
        try (EventStream stream = broker.eventStream("test")) {
            drain(stream);
            stream.trim();
        }
        Set<String> stored = new TreeSet<>(client.dispatchAll(batch).stream().map(d -> d.id().toString()).toList());

        Set<String> messages = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            sqs.client.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages().forEach(message -> messages.add(message.body()));
        }
        assertEquals(stored, messages, "each stored execution has a message");
    }

    @Test
    void aChainOnAnSqsTriggeredQueueReachesSqsStepByStepAsEachStepIsReleased() {
        start(Map.of());
        WorkflowDispatched run = client.dispatch(chain(task("examples.add", 2, 3), task("examples.add", 10)));
        for (WorkflowDispatched.Member step : run.members()) {
            List<Message> messages = receive(10, 5);
            assertEquals(List.of(step.id().toString()), messages.stream().map(Message::body).toList(),
                    "each step's message comes when it is ready, not at the next timer drain");
            SQSBatchResponse response = handler.handleRequest(event(messages),
                    new DeadlineContext(Duration.ofSeconds(30)));
            assertEquals(List.of(), response.getBatchItemFailures());
        }
        assertEquals("15", snapshot(run.members().getLast().id()).resultJson());
    }

    @Test
    void anErrorCallbackReleasedByARevokeReachesSqs() {
        anErrorCallbackReachesSqsAsSoonAsTheFirstStepEnds("revoke", first -> client.revoke(first));
    }

    @Test
    void anErrorCallbackReleasedByAPurgeReachesSqs() {
        anErrorCallbackReachesSqsAsSoonAsTheFirstStepEnds("purge",
                first -> assertEquals(1, context.getBean(QueueControl.class).purge("default")));
    }

    @Test
    void anErrorCallbackReleasedByAnExpiryTheHandlersLeaseFindsReachesSqs() throws InterruptedException {
        WorkflowDispatched run = anExpiredStepWithAnErrorCallback("default");
        List<Message> first = receive(10, 5);
        assertEquals(List.of(run.members().getFirst().id().toString()), first.stream().map(Message::body).toList());
        handler.handleRequest(event(first), new DeadlineContext(Duration.ofSeconds(30)));
        assertEquals(ExecutionStatus.REVOKED, snapshot(run.members().getFirst().id()).status());
        theErrorCallbacksMessageComesNowAndRuns(run, "the lease by id found the step expired");
    }

    @Test
    void anErrorCallbackReleasedByAnExpiryAQueueLeaseFindsReachesSqs() throws InterruptedException {
        // The step waits on a queue no SQS message names (a container worker's); its callback runs from SQS.
        WorkflowDispatched run = anExpiredStepWithAnErrorCallback("containers");
        assertEquals(List.of(), leaseQueue("containers").deliveries());
        assertEquals(ExecutionStatus.REVOKED, snapshot(run.members().getFirst().id()).status());
        theErrorCallbacksMessageComesNowAndRuns(run, "the lease found the step expired");
    }

    @Test
    void anErrorCallbackTheLeaseThatReleasedItAlsoLeasedGetsNoMessage() throws InterruptedException {
        WorkflowDispatched run = anExpiredStepWithAnErrorCallback("default");
        assertEquals(List.of(run.members().getFirst().id().toString()),
                receive(10, 5).stream().map(Message::body).toList());
        // As the timer drain leases the SQS-triggered queue: the expired step's callback is released into it.
        LeaseBatch leased = leaseQueue("default");
        assertEquals(List.of(run.members().getLast().id()), leased.deliveries().stream().map(d -> d.id()).toList(),
                "the lease that released the callback leased it too");
        assertEquals(List.of(), receive(10, 2).stream().map(Message::body).toList(),
                "it runs already: a message would cost an invocation that only answers 'running'");
    }

    /** A step of test.short_lived on {@code queue}, with an error callback on the SQS queue, left to expire. */
    private WorkflowDispatched anExpiredStepWithAnErrorCallback(String queue) throws InterruptedException {
        start(Map.of());
        WorkflowDispatched run = client.dispatch(task("test.short_lived").withQueue(queue) // expires after 0.2 s
                .withLinkError(task("background_tasks.demo_echo")));
        Thread.sleep(300);
        return run;
    }

    /** One lease call on {@code queue}, as a worker of that queue (or the timer drain) makes. */
    private LeaseBatch leaseQueue(String queue) {
        return context.getBean(Broker.class).consumer("worker-of-" + queue).lease(List.of(queue), 10,
                Duration.ofSeconds(30));
    }

    /** A step with an error callback, sent to SQS; {@code end} revokes it before it runs, by its id. */
    private void anErrorCallbackReachesSqsAsSoonAsTheFirstStepEnds(String how, Consumer<UUID> end) {
        start(Map.of());
        WorkflowDispatched run = client.dispatch(task("examples.sleep", 1)
                .withLinkError(task("background_tasks.demo_echo")));
        assertEquals(List.of(run.members().getFirst().id().toString()),
                receive(10, 5).stream().map(Message::body).toList());
        end.accept(run.members().getFirst().id());
        theErrorCallbacksMessageComesNowAndRuns(run, "the " + how + " ended the step");
    }

    /** {@code run}'s last member is the error callback its first step's end released. */
    private void theErrorCallbacksMessageComesNowAndRuns(WorkflowDispatched run, String why) {
        List<Message> callback = receive(10, 5);
        assertEquals(List.of(run.members().getLast().id().toString()), callback.stream().map(Message::body).toList(),
                why + " and released its error callback: its message comes now, not at the next timer drain");
        handler.handleRequest(event(callback), new DeadlineContext(Duration.ofSeconds(30)));
        assertEquals(ExecutionStatus.SUCCESS, snapshot(run.members().getLast().id()).status());
    }

    @Test
    void tenThreeSecondSleepsWithATenSecondDeadlineRunWhatFitsAndNameExactlyTheUnfinishedAsFailures() {
        start(Map.of("chard.worker.concurrency", 2, "chard.function.run-budget", "3500ms",
                "chard.function.safety-margin", "1s"));
        List<DispatchRequest> sleeps = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sleeps.add(DispatchRequest.of("examples.sleep", client.toJson(List.of(3))));
        }
        client.dispatchAll(sleeps);
        List<Message> messages = new ArrayList<>();
        while (messages.size() < 10) {
            messages.addAll(receive(10, 2));
        }
        // 11 s left, 1 s margin: a 10 s deadline.
        SQSBatchResponse response = handler.handleRequest(event(messages), new DeadlineContext(Duration.ofSeconds(11)));
        Set<String> failed = response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        int succeeded = 0;
        for (Message message : messages) {
            ExecutionSnapshot state = snapshot(UUID.fromString(message.body()));
            if (state.status() == ExecutionStatus.SUCCESS) {
                succeeded++;
                assertTrue(!failed.contains(message.messageId()), "an ended execution is never named");
            } else {
                assertTrue(failed.contains(message.messageId()), "an unfinished one is named: " + state.status());
                assertEquals(ExecutionStatus.PENDING, state.status(), "left waiting, not running");
            }
        }
        assertEquals(10, succeeded + failed.size());
        assertTrue(succeeded >= 4 && succeeded <= 6, "two at a time, 3 s each, in 10 s: " + succeeded);
    }

    @Test
    void aRetryOnAnSqsTriggeredQueueReachesSqsAgainWithItsDelayAndThenSucceeds() {
        start(Map.of());
        UUID id = client.dispatch("examples.flaky", "sqs-retry", 1).id();
        SQSBatchResponse first = handler.handleRequest(event(receive(10, 5)), new DeadlineContext(Duration.ofSeconds(30)));
        assertEquals(List.of(), first.getBatchItemFailures(), "the retry is acknowledged: it has a message of its own");
        assertEquals(ExecutionStatus.RETRYING, snapshot(id).status());
        assertEquals(List.of(), receive(10, 0), "the retry's message is delayed (1 s backoff)");
        List<Message> retry = receive(10, 5);
        assertEquals(List.of(id.toString()), retry.stream().map(Message::body).toList());
        handler.handleRequest(event(retry), new DeadlineContext(Duration.ofSeconds(30)));
        ExecutionSnapshot done = snapshot(id);
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals(2, done.deliveries());
        assertEquals(1, done.retries());
    }

    @Test
    void anExecutionDueWithinASecondOfItsMessageIsWaitedForAndOneDueLaterGoesBackToSqs() {
        start(Map.of());
        // A first invocation, so that the one below reaches its first lease well within the countdown.
        handler.handleRequest(event(List.of(Message.builder().messageId("m-warm").body(UUID.randomUUID().toString())
                .build())), new DeadlineContext(Duration.ofSeconds(30)));
        // As if the dispatcher's clock ran ahead of Redis': the message arrives before Redis holds the id due.
        UUID soon = client.dispatch(DispatchRequest.of("examples.add", client.toJson(List.of(1, 2)))
                .withCountdown(Duration.ofMillis(700))).id();
        UUID later = client.dispatch(DispatchRequest.of("examples.add", client.toJson(List.of(3, 4)))
                .withCountdown(Duration.ofSeconds(20))).id();
        SQSEvent batch = event(List.of(Message.builder().messageId("m-soon").body(soon.toString()).build(),
                Message.builder().messageId("m-later").body(later.toString()).build()));

        SQSBatchResponse response = handler.handleRequest(batch, new DeadlineContext(Duration.ofSeconds(30)));

        assertEquals(List.of("m-later"), response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
        assertEquals("3", snapshot(soon).resultJson(), "run in this invocation once due");
        assertEquals(ExecutionStatus.PENDING, snapshot(later).status(), "left for its own message");
    }

    @Test
    void messagesForUnknownIdsOrWithoutAnIdAreAcknowledgedAndEndedOrRunningOnesSkipped() {
        start(Map.of());
        UUID ended = client.dispatch("examples.add", 1, 1).id();
        handler.handleRequest(event(receive(10, 5)), new DeadlineContext(Duration.ofSeconds(30)));
        SQSEvent batch = event(List.of(
                Message.builder().messageId("m-unknown").body(UUID.randomUUID().toString()).build(),
                Message.builder().messageId("m-garbage").body("not an id").build(),
                Message.builder().messageId("m-ended").body(ended.toString()).build()));
        SQSBatchResponse response = handler.handleRequest(batch, new DeadlineContext(Duration.ofSeconds(30)));
        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(1, snapshot(ended).deliveries(), "not run twice");
    }

    @Test
    void anSqsThatAcceptsConnectionsButNeverAnswersDelaysADispatchBySecondsAndLosesNothing() throws Exception {
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String endpoint = "http://127.0.0.1:" + stalled.getLocalPort();
            start(Map.of("chard.sqs.endpoint", endpoint,
                    "chard.sqs.queue-urls", "default=" + endpoint + "/000000000000/stalled"));
            // The SDK's own timeouts would hold the dispatcher (and every HTTP dispatch behind it) for minutes.
            UUID id = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> client.dispatch("examples.add", 1, 1).id());
            assertEquals(ExecutionStatus.PENDING, snapshot(id).status(), "stored, for the timer drain to find");
        }
    }

    @Test
    void aRecordWithoutAMessageIdIsRefusedBeforeAnyWork() {
        start(Map.of());
        UUID queued = client.dispatch("examples.add", 1, 1).id();
        SQSEvent batch = event(List.of(Message.builder().messageId("m-queued").body(queued.toString()).build(),
                Message.builder().body(UUID.randomUUID().toString()).build()));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> handler.handleRequest(batch, new DeadlineContext(Duration.ofSeconds(30))));
        assertTrue(refused.getMessage().contains("messageId"), refused.getMessage());
        assertEquals(0, snapshot(queued).deliveries(), "nothing ran");
    }

    @Test
    void withRedisUnreachableTheHandlerFailsBeforeAnyWorkSoSqsRetriesTheWholeBatch() {
        start(Map.of());
        Map<String, Object> properties = new HashMap<>(properties(queueUrl));
        properties.put("redis.uri", "redis://127.0.0.1:" + TestRedis.freePort());
        properties.put("chard.redis-timeout", "1s");
        properties.put("chard.worker.poll-interval", "500ms");
        try (ApplicationContext down = ApplicationContext.builder().properties(properties).deduceEnvironment(false).start()) {
            SqsDrainHandler unreachable = new SqsDrainHandler(down);
            SQSEvent batch = event(List.of(Message.builder().messageId("m").body(UUID.randomUUID().toString()).build()));
            assertThrows(BrokerUnavailableException.class,
                    () -> unreachable.handleRequest(batch, new DeadlineContext(Duration.ofSeconds(30))));
        }
    }

    /**
     * A task whose hard limit (30 s) exceeds what this function ever has (30 s timeout - 5 s margin): its message goes
     * back at each delivery (and, past the redrive policy's count, to the DLQ), while the execution waits in Redis,
     * where the queue's timer drain (docs/deploy-aws.md: every SQS-triggered queue also needs one; 300 s beside the
     * SQS function's 60 s in the template) runs it. The message's next delivery is then acknowledged.
     */
    @Test
    void aMessageWhoseTasksLimitNeverFitsThisFunctionGoesBackAndTheQueuesTimerDrainRunsTheExecution() {
        start(Map.of("chard.function.timeout", "30s", "chard.function.run-budget", "1s"));
        UUID id = client.dispatch("examples.limited_sleep", 0.1).id();
        List<Message> messages = receive(10, 5);
        assertEquals(List.of(id.toString()), messages.stream().map(Message::body).toList());
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(SqsDrainHandler.class);
        lines.start();
        log.addAppender(lines);
        try {
            for (int delivery = 0; delivery < 2; delivery++) {
                SQSBatchResponse response = handler.handleRequest(event(messages),
                        new DeadlineContext(Duration.ofSeconds(30)));
                assertEquals(List.of(messages.getFirst().messageId()), response.getBatchItemFailures().stream()
                        .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList(), "no_fit: tried again");
                assertEquals(ExecutionStatus.PENDING, snapshot(id).status());
                assertEquals(0, snapshot(id).deliveries());
            }
        } finally {
            log.detachAppender(lines);
        }
        String why = "1 SQS messages name executions whose time limit does not fit";
        assertEquals(2, lines.list.stream().filter(line -> line.getLevel() == Level.WARN
                && line.getFormattedMessage().startsWith(why)).count(),
                "each invocation says why the message goes back: " + lines.list);
        TimerDrainHandler timer = new TimerDrainHandler(context);
        timer.handleRequest(new ScheduledEvent(),
                new DeadlineContext(Duration.ofSeconds(40)));
        assertEquals(ExecutionStatus.SUCCESS, snapshot(id).status(), "the timer drain, with the time, ran it");
        SQSBatchResponse after = handler.handleRequest(event(messages), new DeadlineContext(Duration.ofSeconds(30)));
        assertEquals(List.of(), after.getBatchItemFailures(), "ended: the message is acknowledged");
    }

    @Test
    void anInconsistentVisibilityTimeoutIsRefusedAtStartNamingTheRule() {
        Map<String, Object> properties = new HashMap<>(properties(sqs.createQueue("chard-bad")));
        properties.put("chard.sqs.visibility-timeout", "120s");
        try (ApplicationContext bad = ApplicationContext.builder().properties(properties).deduceEnvironment(false).start()) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new SqsDrainHandler(bad));
            assertTrue(refused.getMessage().contains("at least 6 times the function timeout (60 s"), refused.getMessage());
        }
    }

    private List<Message> receive(int max, int waitSeconds) {
        return sqs.client.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    static SQSEvent event(List<Message> messages) {
        return SqsEvents.of(messages);
    }

    private ExecutionSnapshot snapshot(UUID id) {
        return context.getBean(Broker.class).snapshot(id).orElseThrow();
    }
}
